// The app's legacy JS, run by the host's JS VM beside the bundle (docs/legacy-js.md).
//
// It mirrors the page history the bundle owns, and owns reporting: metrics, logs and crash
// reports are batched and POSTed as JSON to the collector. ES5 only: Duktape runs it on
// devices.
(function () {
    "use strict";
    var VERSION = "1";
    var FLUSH_EVERY_MS = 5000;
    var FLUSH_AT = 50;
    var MAX_PENDING = 500;

    var history = [];
    var pending = [];
    var dropped = 0;
    var lastFlushMs = 0;
    var sent = 0;

    function currentPage() {
        return history.length ? history[history.length - 1].page : null;
    }

    function record(kind, message) {
        if (pending.length >= MAX_PENDING) {
            dropped += 1;
            return;
        }
        // The message's own fields, its type kept as `type` (a crash has a `kind` of its own).
        var entry = { type: kind, page: currentPage() };
        for (var key in message) {
            if (Object.prototype.hasOwnProperty.call(message, key) && key !== "type") {
                entry[key] = message[key];
            }
        }
        pending.push(entry);
    }

    function flush(nowMs) {
        lastFlushMs = nowMs;
        if (!pending.length || !host.config.collectorUrl) {
            return;
        }
        var report = {
            app: "touchline",
            appVersion: host.config.appVersion,
            device: host.config.device,
            page: currentPage(),
            depth: history.length,
            dropped: dropped,
            reports: pending
        };
        host.httpPost(host.config.collectorUrl, JSON.stringify(report));
        sent += pending.length;
        pending = [];
        dropped = 0;
    }

    host.onMessage(function (message) {
        switch (message.type) {
            case "history":
                history = message.stack;
                break;
            case "metric":
            case "log":
            case "crash":
                record(message.type, message);
                if (message.type === "crash" || pending.length >= FLUSH_AT) {
                    flush(host.now());
                }
                break;
            default:
                host.log("debug", "legacy.js: ignored a " + message.type + " message");
        }
    });

    host.onTick(function (nowMs) {
        if (nowMs - lastFlushMs >= FLUSH_EVERY_MS) {
            flush(nowMs);
        }
    });

    host.post({ type: "js.ready", version: VERSION });
})();
