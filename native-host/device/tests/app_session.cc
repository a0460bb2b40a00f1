// touchline-app-session: the app's end-to-end sessions through touchline-host (the app.* CTest
// cases, run by run_app_case.cmake), the device host's half of tests/e2e_app.rs.
//
//   touchline-app-session args SCENARIO MATCH.json WORK
//       prints the host arguments of the session, one per line: its key script, the frames it
//       runs and the pages it screenshots (WORK/NAME.png, NAME a golden in tests/goldens/app)
//   touchline-app-session check SCENARIO MATCH.json WORK
//       checks the session the host ran: WORK/stdout.log (per-frame lines with the video's
//       position and state, `announce:` lines) and WORK/stderr.log (every bus message to JS,
//       printed by fixtures/app_observer.js with the frame's time)
//
// Scenarios: `reel` (profile -> Home -> France-Croatia -> highlight reel: six goal cards in
// match order, the player inside each goal's clip window while its card shows, then the end
// card; Back returns to the reel button) and `playback` (Watch match -> next highlight three
// times: inside the third window; Back keeps the position and the match page offers to resume
// it; to the last highlight and on past the end: stopped at the end; Back, Back: Home, on the
// tile that was focused) and `pages` (Home -> a team's page -> Back -> Settings -> Back, each
// Back to the tile or button that opened it). Key and frame numbers come from the script, not from the host's
// output; windows come from the catalog, not from the app.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

constexpr const char *kMatch = "france-croatia-2018";
// Frames between scripted keys (60 fps, virtual time): a page has loaded and settled by the
// next key.
constexpr uint64_t kKeyInterval = 40;
constexpr double kFramesPerMs = 60.0 / 1000.0;

// The reel's title card screenshot: the fourth, a second after it shows.
constexpr size_t kCardShot = 3;
constexpr uint64_t card_shot_frame(uint64_t card_frame) { return card_frame + 60; }

struct Highlight {
  std::string id;
  std::string kind;
  std::string title;
  int64_t start_ms;
  int64_t end_ms;
};

struct Match {
  std::vector<Highlight> highlights;
  int64_t duration_ms;

  std::vector<Highlight> goals() const {
    std::vector<Highlight> out;
    for (const Highlight &h : highlights) {
      if (h.kind == "goal" || h.kind == "own_goal") out.push_back(h);
    }
    return out;
  }
};

int64_t ms_of(const json &seconds) { return std::llround(seconds.get<double>() * 1000.0); }

std::optional<Match> read_match(const std::string &path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "app-session: cannot read " << path << "\n";
    return std::nullopt;
  }
  const json details = json::parse(in, nullptr, false);
  if (details.is_discarded() || !details.contains("highlights") || !details.contains("summary")) {
    std::cerr << "app-session: " << path << " is not a match.json\n";
    return std::nullopt;
  }
  Match match;
  for (const json &h : details["highlights"]) {
    match.highlights.push_back(Highlight{h["id"].get<std::string>(), h["kind"].get<std::string>(),
                                         h["title"].get<std::string>(), ms_of(h["clip"]["start_s"]),
                                         ms_of(h["clip"]["end_s"])});
  }
  match.duration_ms = ms_of(details["summary"]["duration_s"]);
  return match;
}

// A session's key script, slot by slot (`wait`: no key), and the pages screenshot before a
// slot's key goes out.
struct Script {
  std::vector<std::string> keys;
  std::map<size_t, std::string> shots;  // slot -> golden name
  std::map<uint64_t, std::string> shots_at;  // frame -> golden name
  uint64_t tail_frames = 2 * kKeyInterval;

  // Appends a key (or `wait`), `times` times; returns the first slot's index.
  size_t add(const std::string &key, size_t times = 1) {
    const size_t first = keys.size();
    for (size_t i = 0; i < times; ++i) keys.push_back(key);
    return first;
  }
  // The frame key `slot` goes out in (the host's rule: frame 1 + slot x interval).
  static uint64_t key_frame(size_t slot) { return 1 + slot * kKeyInterval; }
  // The frame just before it: the settled state after the slot before.
  static uint64_t before(size_t slot) { return key_frame(slot) - 1; }
  uint64_t frames() const { return key_frame(keys.size()) + tail_frames; }
};

// The slots both scenarios' checks refer to.
struct Slots {
  size_t choose_profile, right_to_match, open_match;
  // reel
  size_t right_to_reel = 0, open_reel = 0;
  // pages
  size_t open_team = 0, back_from_team = 0, open_settings = 0, back_from_settings = 0;
  // playback
  size_t watch = 0, first_jump = 0, back_to_playhead = 0, leave = 0, resume = 0, jumps_to_last = 0,
         back_after_last = 0, seeks = 0, back_to_match = 0, back_to_home = 0;
};

// The key script of a scenario, and where its steps are.
std::optional<std::pair<Script, Slots>> script_of(const std::string &scenario, const Match &match) {
  Script s;
  Slots at{};
  s.add("wait");  // the profiles page loads
  s.shots[s.keys.size()] = "profiles";
  at.choose_profile = s.add("enter");
  s.shots[s.keys.size()] = "home";
  if (scenario == "pages") {
    s.add("down", 2);  // the first team of "By team"
    at.open_team = s.add("enter");
    s.shots[s.keys.size()] = "team";
    at.back_from_team = s.add("back");
    s.add("down");  // the Settings button under the rails
    at.open_settings = s.add("enter");
    s.shots[s.keys.size()] = "settings";
    at.back_from_settings = s.add("back");
    return std::make_pair(s, at);
  }
  at.right_to_match = s.add("right");
  at.open_match = s.add("enter");
  if (scenario == "reel") {
    s.shots[s.keys.size()] = "match_details";
    at.right_to_reel = s.add("right");
    at.open_reel = s.add("enter");
    // The reel: a 2.5 s card and the clip per goal, then the end card; then Back.
    double reel_ms = 0;
    const std::vector<Highlight> goals = match.goals();
    for (size_t i = 0; i < goals.size(); ++i) {
      // The fourth card, a second in, as tests/e2e_app.rs shoots it (the first card shows two
      // frames after the key: the match's details are fetched first). check_reel() makes sure
      // the card was up.
      if (i == kCardShot) {
        const auto card = Script::key_frame(at.open_reel) + 2 + static_cast<uint64_t>(std::llround(reel_ms * kFramesPerMs));
        s.shots_at[card_shot_frame(card)] = "reel_title_card";
      }
      reel_ms += 2500.0 + static_cast<double>(goals[i].end_ms - goals[i].start_ms);
    }
    const auto reel_slots = static_cast<size_t>(std::ceil((reel_ms + 8000.0) * kFramesPerMs / kKeyInterval));
    s.add("wait", reel_slots);
    s.shots[s.keys.size()] = "reel_end";
    at.back_to_match = s.add("back");
    return std::make_pair(s, at);
  }
  if (scenario == "playback") {
    at.watch = s.add("enter");
    s.add("wait");
    at.first_jump = s.add("down", 3);
    s.shots[s.keys.size()] = "playback_overlay";
    at.back_to_playhead = s.add("back");
    at.leave = s.add("back");
    at.resume = s.add("enter");
    s.add("wait");
    at.jumps_to_last = s.add("down", match.highlights.size() + 2);
    at.back_after_last = s.add("back");
    const Highlight &last = match.highlights.back();
    at.seeks = s.add("right", static_cast<size_t>((match.duration_ms - last.start_ms) / 10000 + 3));
    at.back_to_match = s.add("back");
    at.back_to_home = s.add("back");
    return std::make_pair(s, at);
  }
  std::cerr << "app-session: unknown scenario `" << scenario << "` (reel, playback, pages)\n";
  return std::nullopt;
}

// What the host printed, frame by frame.
struct Frame {
  std::optional<int64_t> video_ms;
  std::string video_state;
  std::vector<std::string> announced;  // in this frame
};

struct Message {
  uint64_t frame;
  json body;
};

struct Session {
  std::vector<Frame> frames;
  std::vector<Message> messages;

  // What the screen reader said last, as of the end of frame `f`.
  std::string focused(uint64_t f) const {
    for (uint64_t i = std::min<uint64_t>(f + 1, frames.size()); i-- > 0;) {
      if (!frames[i].announced.empty()) return frames[i].announced.back();
    }
    return "";
  }
  // The page on top as of the end of frame `f`: "page param".
  std::string route(uint64_t f) const {
    std::string top;
    for (const Message &m : messages) {
      if (m.frame > f) break;
      if (m.body.value("type", "") != "history" || !m.body["stack"].is_array() || m.body["stack"].empty()) continue;
      const json &page = m.body["stack"].back();
      top = page.value("page", "") + " " + page.value("param", "");
    }
    return top;
  }
  std::optional<int64_t> video_ms(uint64_t f) const { return f < frames.size() ? frames[f].video_ms : std::nullopt; }
  std::string video_state(uint64_t f) const { return f < frames.size() ? frames[f].video_state : ""; }
  std::vector<Message> highlight_views(const std::string &via) const {
    std::vector<Message> out;
    for (const Message &m : messages) {
      if (m.body.value("type", "") == "highlight_view" && m.body.value("via", "") == via) out.push_back(m);
    }
    return out;
  }
};

std::optional<Session> read_session(const std::string &work) {
  Session session;
  std::ifstream out(work + "/stdout.log");
  std::ifstream err(work + "/stderr.log");
  if (!out || !err) {
    std::cerr << "app-session: no " << work << "/stdout.log or stderr.log (did the host run?)\n";
    return std::nullopt;
  }
  static const std::regex frame_line(R"(^frame ([0-9]+) .*?(?: video_ms=([0-9]+) video=([a-z]+))? engine_us=)");
  std::vector<std::string> pending;
  std::string line;
  while (std::getline(out, line)) {
    if (line.rfind("announce: ", 0) == 0) {
      pending.push_back(line.substr(10));
      continue;
    }
    std::smatch m;
    if (!std::regex_search(line, m, frame_line)) continue;
    const uint64_t i = std::stoull(m[1].str());
    if (i != session.frames.size()) {
      std::cerr << "app-session: frame " << i << " out of order\n";
      return std::nullopt;
    }
    Frame frame;
    if (m[2].matched) {
      frame.video_ms = std::stoll(m[2].str());
      frame.video_state = m[3].str();
    }
    frame.announced = std::move(pending);
    pending.clear();
    session.frames.push_back(std::move(frame));
  }
  static const std::regex message_line(R"(^js: info: at ([0-9.]+) (\{.*\})$)");
  while (std::getline(err, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, message_line)) continue;
    json body = json::parse(m[2].str(), nullptr, false);
    if (body.is_discarded()) {
      std::cerr << "app-session: a bus message is not JSON: " << line << "\n";
      return std::nullopt;
    }
    session.messages.push_back(Message{static_cast<uint64_t>(std::llround(std::stod(m[1].str()) * kFramesPerMs)),
                                       std::move(body)});
  }
  return session;
}

// Collects failed checks; each is printed as it fails.
struct Checks {
  int failed = 0;
  void that(bool ok, const std::string &what) {
    std::printf("%s %s\n", ok ? "ok:  " : "FAIL:", what.c_str());
    if (!ok) ++failed;
  }
  void starts(const std::string &text, const std::string &prefix, const std::string &what) {
    that(text.rfind(prefix, 0) == 0, what + ": `" + text + "` starts with `" + prefix + "`");
  }
  void route(const Session &s, uint64_t frame, const std::string &want) {
    that(s.route(frame) == want, "frame " + std::to_string(frame) + ": the page is `" + s.route(frame) +
                                     "`, expected `" + want + "`");
  }
  void inside(std::optional<int64_t> at, const Highlight &h, const std::string &when) {
    const bool ok = at && *at >= h.start_ms && *at <= h.end_ms;
    that(ok, when + ": the player is at " + (at ? std::to_string(*at) : std::string("no video")) + " ms, " +
                 h.id + "'s window is " + std::to_string(h.start_ms) + "..=" + std::to_string(h.end_ms) + " ms");
  }
};

// From launch to Home, its first tile focused, before slot `next`.
void check_home(Checks &c, const Session &s, const Slots &at, size_t next) {
  const std::string profile = s.focused(Script::before(at.choose_profile));
  c.that(profile.find("Alex") != std::string::npos, "the profiles page, Alex focused: `" + profile + "`");
  c.route(s, Script::before(next), "home ");
  c.starts(s.focused(Script::before(next)), "Bayern Munchen 4–0 Dortmund", "Home, the latest match");
}

void check_navigation(Checks &c, const Session &s, const Slots &at) {
  check_home(c, s, at, at.right_to_match);
  c.starts(s.focused(Script::before(at.open_match)), "France 4–2 Croatia", "right: the France tile");
  c.route(s, Script::before(at.open_match + 1), std::string("match ") + kMatch);
  c.starts(s.focused(Script::before(at.open_match + 1)), "Watch match", "the match page");
}

void check_reel(Checks &c, const Session &s, const Match &match, const Script &script, const Slots &at) {
  check_navigation(c, s, at);
  c.starts(s.focused(Script::before(at.open_reel)), "Highlight reel", "right: the reel button");
  c.route(s, Script::before(at.open_reel + 1), std::string("reel ") + kMatch);
  const std::vector<Highlight> goals = match.goals();
  c.that(goals.size() == 6, "France 4–2 Croatia has six goals in the catalog (" + std::to_string(goals.size()) + ")");
  const std::vector<Message> cards = s.highlight_views("reel");
  c.that(cards.size() == goals.size(), std::to_string(cards.size()) + " title cards, one per goal");
  for (size_t i = 0; i < std::min(cards.size(), goals.size()); ++i) {
    const json &card = cards[i].body;
    const std::string name = "card " + std::to_string(i + 1);
    c.that(card.value("highlight", "") == goals[i].id,
           name + " is " + card.value("highlight", "?") + ", the next goal in match order is " + goals[i].id);
    c.that(card.value("index", -1) == static_cast<int>(i) && card.value("count", -1) == static_cast<int>(goals.size()),
           name + " says " + std::to_string(i) + " of " + std::to_string(goals.size()));
    // The card shows for 2.5 s over the paused video at the clip's start: a second in.
    c.inside(s.video_ms(cards[i].frame + 60), goals[i], name + ", a second after it showed");
  }
  if (cards.size() > kCardShot) {
    const uint64_t shot = script.shots_at.begin()->first;
    c.that(shot == card_shot_frame(cards[kCardShot].frame),
           "the title card screenshot (frame " + std::to_string(shot) + ") is a second into card " +
               std::to_string(kCardShot + 1) + " (shown in frame " + std::to_string(cards[kCardShot].frame) + ")");
  }
  c.starts(s.focused(Script::before(at.back_to_match)), "Play again", "the end card");
  c.route(s, Script::before(at.back_to_match + 1), std::string("match ") + kMatch);
  c.starts(s.focused(Script::before(at.back_to_match + 1)), "Highlight reel", "Back: the reel button again");
}

void check_playback(Checks &c, const Session &s, const Match &match, const Slots &at) {
  check_navigation(c, s, at);
  c.route(s, Script::before(at.watch + 1), std::string("watch ") + kMatch + "/start");
  c.that(s.video_state(Script::before(at.first_jump)) == "playing", "the match plays");

  const uint64_t after_jumps = Script::before(at.back_to_playhead);
  const Highlight &third = match.highlights.at(2);
  c.inside(s.video_ms(after_jumps), third, "after three jumps");
  std::vector<std::string> jumped;
  for (const Message &m : s.highlight_views("jump")) {
    if (m.frame < after_jumps) jumped.push_back(m.body.value("highlight", ""));
  }
  c.that(jumped == std::vector<std::string>{match.highlights[0].id, match.highlights[1].id, third.id},
         "the jumps went to the first three highlights (" + std::to_string(jumped.size()) + " jumps)");
  const std::string marker = s.focused(after_jumps);
  c.that(marker.find(third.title) != std::string::npos, "the third marker is focused: `" + marker + "`");

  c.starts(s.focused(Script::before(at.leave)), "Playback position", "Back: the playhead");
  const std::optional<int64_t> left_at = s.video_ms(Script::key_frame(at.leave) - 1);
  c.route(s, Script::before(at.resume), std::string("match ") + kMatch);
  c.starts(s.focused(Script::before(at.resume)), "Resume", "the watch button offers to resume");
  c.route(s, Script::before(at.resume + 1), std::string("watch ") + kMatch);
  std::optional<int64_t> resumed;
  for (uint64_t f = Script::key_frame(at.resume); f < Script::key_frame(at.jumps_to_last); ++f) {
    if (s.video_state(f) == "playing") {
      resumed = s.video_ms(f);
      break;
    }
  }
  c.that(left_at && resumed && std::llabs(*resumed - *left_at) <= 2000,
         "resumed at " + (resumed ? std::to_string(*resumed) : std::string("-")) + " ms, left at " +
             (left_at ? std::to_string(*left_at) : std::string("-")) + " ms");

  c.inside(s.video_ms(Script::before(at.back_after_last)), match.highlights.back(), "at the last highlight");
  c.starts(s.focused(Script::before(at.seeks)), "Playback position", "Back: the playhead");
  const uint64_t after_seeks = Script::before(at.back_to_match);
  c.that(s.video_ms(after_seeks) == match.duration_ms,
         "seeking past the end stops at the end: " + std::to_string(s.video_ms(after_seeks).value_or(-1)) + " of " +
             std::to_string(match.duration_ms) + " ms");
  c.that(s.video_state(after_seeks) == "ended", "the video has ended (" + s.video_state(after_seeks) + ")");

  c.route(s, Script::before(at.back_to_home), std::string("match ") + kMatch);
  c.route(s, Script::before(at.back_to_home + 1), "home ");
  c.starts(s.focused(Script::before(at.back_to_home + 1)), "France 4–2 Croatia", "Back, Back: the France tile again");
}

void check_pages(Checks &c, const Session &s, const Slots &at) {
  check_home(c, s, at, at.choose_profile + 1);
  const std::string team_tile = s.focused(Script::before(at.open_team));
  c.that(team_tile.find("tile") != std::string::npos, "down, down: a team tile: `" + team_tile + "`");
  const std::string team = s.route(Script::before(at.back_from_team));
  c.starts(team, "team ", "OK opens the team's page");
  c.route(s, Script::before(at.back_from_team + 1), "home ");
  c.that(s.focused(Script::before(at.back_from_team + 1)) == team_tile, "Back: the team tile again");
  c.starts(s.focused(Script::before(at.open_settings)), "Settings", "down: the Settings button");
  c.route(s, Script::before(at.back_from_settings), "settings ");
  c.route(s, Script::before(at.back_from_settings + 1), "home ");
  c.starts(s.focused(Script::before(at.back_from_settings + 1)), "Settings", "Back: the Settings button again");
}

int usage() {
  std::fprintf(stderr,
               "usage: touchline-app-session args SCENARIO MATCH.json WORK\n"
               "       touchline-app-session check SCENARIO MATCH.json WORK\n"
               "SCENARIO: reel, playback or pages\n");
  return 2;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 5) return usage();
  const std::string command = argv[1];
  const std::string scenario = argv[2];
  const std::string work = argv[4];
  const std::optional<Match> match = read_match(argv[3]);
  if (!match) return 2;
  if (match->highlights.size() < 3) {
    std::cerr << "app-session: the match has " << match->highlights.size() << " highlights; the sessions want 3\n";
    return 2;
  }
  const auto scripted = script_of(scenario, *match);
  if (!scripted) return 2;
  const auto &[script, at] = *scripted;

  if (command == "args") {
    std::string keys;
    for (const std::string &key : script.keys) keys += (keys.empty() ? "" : ",") + key;
    std::printf("--keys\n%s\n--key-interval\n%llu\n--frames\n%llu\n", keys.c_str(),
                static_cast<unsigned long long>(kKeyInterval), static_cast<unsigned long long>(script.frames()));
    std::map<uint64_t, std::string> shots = script.shots_at;
    for (const auto &[slot, name] : script.shots) shots[Script::before(slot)] = name;
    for (const auto &[frame, name] : shots) {
      std::printf("--screenshot-at\n%llu=%s/%s.png\n", static_cast<unsigned long long>(frame), work.c_str(),
                  name.c_str());
    }
    return 0;
  }
  if (command != "check") return usage();
  const std::optional<Session> session = read_session(work);
  if (!session) return 2;
  Checks checks;
  checks.that(session->frames.size() == script.frames(),
              "the host ran " + std::to_string(session->frames.size()) + " of " + std::to_string(script.frames()) +
                  " frames");
  if (scenario == "reel") check_reel(checks, *session, *match, script, at);
  if (scenario == "playback") check_playback(checks, *session, *match, at);
  if (scenario == "pages") check_pages(checks, *session, at);
  std::printf("%s: %d check(s) failed\n", scenario.c_str(), checks.failed);
  return checks.failed == 0 ? 0 : 1;
}
