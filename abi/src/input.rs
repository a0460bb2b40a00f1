//! A frame's input (ABI 1.3, 1.4): what a host writes into the bundle's input buffer before
//! `touchline_frame(time_us, event_count)`.
//!
//! Layout: `event_count` 16-byte [`Event`] records, then the payload area: the bytes of that
//! batch's payload-carrying events, concatenated in event order, each zero-padded to a
//! multiple of 4 (the event's `c` is the unpadded length). The events with a payload are
//! [`EventKind::FetchDone`] (the fetched body, ABI 1.3), [`EventKind::BusMessage`] (the
//! message's JSON text) and [`EventKind::RestoreState`] (the saved state), both ABI 1.4; other
//! events carry none. A host sizes the buffer with `touchline_input_buffer(records + payload)`,
//! at most [`MAX_EVENT_BATCH_BYTES`] + [`MAX_INPUT_PAYLOAD_BYTES`] ([`MAX_INPUT_BYTES`]).
//!
//! Hosts build it with [`HostInput`]; bundles read the payloads back with [`payloads`] (or
//! [`fetch_bodies`] for the fetched bodies alone). A host never hands a 1.4 event to a bundle
//! of an older minor version, whose reader would not step over its payload.

use alloc::vec::Vec;

use crate::MAX_EVENT_BATCH_BYTES;
use crate::event::{BusSource, EVENT_SIZE, Event, EventKind, FetchError};

/// The largest response body a host hands over for one fetch (bytes, ABI 1.3); a larger one
/// is answered with `FetchFailed` [`FetchError::TooLarge`].
pub const MAX_FETCH_BODY_BYTES: u32 = 8 * 1024 * 1024;
/// The largest bus message, either way (bytes of JSON text, ABI 1.4). Hosts drop (and count)
/// larger ones; a bundle's writer refuses them.
pub const MAX_BUS_MESSAGE_BYTES: u32 = 64 * 1024;
/// The largest state a bundle may hand the host with `SaveState`, and so the largest
/// `RestoreState` payload (bytes, ABI 1.4).
pub const MAX_STATE_BYTES: u32 = 64 * 1024;
/// The largest storage area a bundle may write with `WriteStorage`, and so the largest
/// `StorageData` payload (bytes, ABI 1.5).
pub const MAX_STORAGE_BYTES: u32 = 64 * 1024;
/// The most payload bytes (padded bodies, messages and state) one frame's input may carry
/// (ABI 1.3). A host holding more delivers the rest in later frames.
pub const MAX_INPUT_PAYLOAD_BYTES: u32 = 16 * 1024 * 1024;
/// The largest input buffer a host asks for: the records' limit plus the payload's.
pub const MAX_INPUT_BYTES: u32 = MAX_EVENT_BATCH_BYTES + MAX_INPUT_PAYLOAD_BYTES;

/// `len` rounded up to a multiple of 4: the room a body of `len` bytes takes in the payload.
pub const fn padded_len(len: usize) -> usize {
    len.next_multiple_of(4)
}

/// The most payload bytes an event of `kind` may carry, or `None` when it carries none.
pub const fn payload_limit(kind: u32) -> Option<u32> {
    match EventKind::from_u32(kind) {
        Some(EventKind::FetchDone) => Some(MAX_FETCH_BODY_BYTES),
        Some(EventKind::BusMessage) => Some(MAX_BUS_MESSAGE_BYTES),
        Some(EventKind::RestoreState) => Some(MAX_STATE_BYTES),
        Some(EventKind::StorageData) => Some(MAX_STORAGE_BYTES),
        _ => None,
    }
}

/// One frame's input as a host builds it: events in delivery order and the payload area.
///
/// Use [`Self::push_fetch_done`], [`Self::push_bus_message`] and [`Self::push_restore_state`]
/// for the events with a payload (they append it too); [`Self::push`] is for the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostInput {
    /// The records, in delivery order.
    pub events: Vec<Event>,
    /// The padded payloads of the payload-carrying events among them, in event order.
    pub payload: Vec<u8>,
}

/// A payload over its kind's limit: [`HostInput`] did not add the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a payload of {len} bytes is over the {limit}-byte limit")]
pub struct PayloadTooLarge {
    /// The payload's length.
    pub len: usize,
    /// The limit for its kind.
    pub limit: u32,
}

impl HostInput {
    /// An empty input.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets everything, keeping the allocations.
    pub fn clear(&mut self) {
        self.events.clear();
        self.payload.clear();
    }

    /// True when there are no events.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Appends an event that carries no payload (keys, image answers, `FetchFailed`, ...).
    pub fn push(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Appends a `FetchDone` event for fetch `id` answered with HTTP `status`, and its body,
    /// zero-padded to 4, to the payload. A body over [`MAX_FETCH_BODY_BYTES`] is never
    /// handed over: it becomes a `FetchFailed` [`FetchError::TooLarge`] instead.
    pub fn push_fetch_done(&mut self, id: u32, status: u32, body: &[u8]) {
        if body.len() > MAX_FETCH_BODY_BYTES as usize {
            self.push_fetch_failed(id, FetchError::TooLarge);
            return;
        }
        self.push_with_payload(Event::fetch_done(id, status, body.len() as u32), body);
    }

    /// Appends a `FetchFailed` event.
    pub fn push_fetch_failed(&mut self, id: u32, error: FetchError) {
        self.events.push(Event::fetch_failed(id, error));
    }

    /// Appends a `BusMessage` event and its text (ABI 1.4); a message over
    /// [`MAX_BUS_MESSAGE_BYTES`] is refused (the host drops and counts it).
    pub fn push_bus_message(&mut self, source: BusSource, text: &[u8]) -> Result<(), PayloadTooLarge> {
        check_len(text.len(), MAX_BUS_MESSAGE_BYTES)?;
        self.push_with_payload(Event::bus_message(source, text.len() as u32), text);
        Ok(())
    }

    /// Appends a `RestoreState` event and the saved bytes (ABI 1.4); more than
    /// [`MAX_STATE_BYTES`] is refused.
    pub fn push_restore_state(&mut self, state: &[u8]) -> Result<(), PayloadTooLarge> {
        check_len(state.len(), MAX_STATE_BYTES)?;
        self.push_with_payload(Event::restore_state(state.len() as u32), state);
        Ok(())
    }

    /// Appends a `StorageData` event and the stored bytes (ABI 1.5); more than
    /// [`MAX_STORAGE_BYTES`] is refused.
    pub fn push_storage_data(&mut self, data: &[u8]) -> Result<(), PayloadTooLarge> {
        check_len(data.len(), MAX_STORAGE_BYTES)?;
        self.push_with_payload(Event::storage_data(data.len() as u32), data);
        Ok(())
    }

    fn push_with_payload(&mut self, event: Event, bytes: &[u8]) {
        self.events.push(event);
        self.payload.extend_from_slice(bytes);
        self.payload.resize(padded_len(self.payload.len()), 0);
    }

    /// Bytes of the records.
    pub fn records_len(&self) -> usize {
        self.events.len() * EVENT_SIZE
    }

    /// Bytes of the whole input: records then payload, what `touchline_input_buffer` is asked
    /// for.
    pub fn encoded_len(&self) -> usize {
        self.records_len() + self.payload.len()
    }

    /// The records then the payload, as the bundle's input buffer holds them.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out);
        out
    }

    /// Like [`Self::encode`], appending to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        for event in &self.events {
            out.extend_from_slice(&event.to_bytes());
        }
        out.extend_from_slice(&self.payload);
    }
}

fn check_len(len: usize, limit: u32) -> Result<(), PayloadTooLarge> {
    if len > limit as usize { Err(PayloadTooLarge { len, limit }) } else { Ok(()) }
}

/// Why an event's payload could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The event's length (`c`) is negative or over its kind's limit.
    #[error("payload length {0} is out of range")]
    BadLength(i32),
    /// The padded payload runs past the end of the payload area.
    #[error("payload of {len} bytes at payload byte {offset} runs past the {payload_len}-byte payload area")]
    PastEnd {
        /// Where it starts in the payload area.
        offset: usize,
        /// Its unpadded length.
        len: usize,
        /// The payload area's length.
        payload_len: usize,
    },
    /// An earlier payload of the batch was bad, so where this one starts is unknown.
    #[error("payload follows a bad one")]
    AfterBadBody,
}

/// The payloads of the payload-carrying events among `events` (see the module docs), in
/// order, sliced out of `payload` with every bound checked: `(event, bytes)`. Once one is bad
/// (its length out of range or running past the area) the later ones are
/// [`InputError::AfterBadBody`]. Payload bytes after the last one are ignored.
pub fn payloads<'e, 'p>(events: &'e [Event], payload: &'p [u8]) -> Payloads<'e, 'p> {
    Payloads { events: events.iter(), payload, offset: 0, failed: false }
}

/// The iterator [`payloads`] returns.
#[derive(Clone, Debug)]
pub struct Payloads<'e, 'p> {
    events: core::slice::Iter<'e, Event>,
    payload: &'p [u8],
    offset: usize,
    failed: bool,
}

impl<'e, 'p> Iterator for Payloads<'e, 'p> {
    type Item = (&'e Event, Result<&'p [u8], InputError>);

    fn next(&mut self) -> Option<Self::Item> {
        let (event, limit) = self.events.find_map(|e| payload_limit(e.kind).map(|limit| (e, limit)))?;
        if self.failed {
            return Some((event, Err(InputError::AfterBadBody)));
        }
        let bytes = self.take(event.c, limit);
        self.failed = bytes.is_err();
        Some((event, bytes))
    }
}

impl<'p> Payloads<'_, 'p> {
    fn take(&mut self, len: i32, limit: u32) -> Result<&'p [u8], InputError> {
        let len =
            u32::try_from(len).ok().filter(|len| *len <= limit).ok_or(InputError::BadLength(len))? as usize;
        let payload_len = self.payload.len();
        let past_end = InputError::PastEnd { offset: self.offset, len, payload_len };
        // `offset` ≤ payload_len and `len` ≤ 8 MiB: no overflow.
        let end = self.offset + padded_len(len);
        if end > payload_len {
            return Err(past_end);
        }
        let bytes = &self.payload[self.offset..self.offset + len];
        self.offset = end;
        Ok(bytes)
    }
}

/// The bodies of the `FetchDone` events among `events`, in order: [`payloads`] narrowed to
/// fetches, as `(fetch id, body)`.
pub fn fetch_bodies<'e, 'p>(
    events: &'e [Event],
    payload: &'p [u8],
) -> impl Iterator<Item = (u32, Result<&'p [u8], InputError>)> + 'e
where
    'p: 'e,
{
    payloads(events, payload)
        .filter(|(event, _)| event.kind == EventKind::FetchDone as u32)
        .map(|(event, body)| (event.a, body))
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;
    use crate::Key;

    #[test]
    fn encodes_records_then_padded_bodies() {
        let mut input = HostInput::new();
        input.push(Event::key_down(Key::Right));
        input.push_fetch_done(7, 200, b"hello");
        input.push_fetch_failed(8, FetchError::Timeout);
        input.push_fetch_done(9, 404, b"");
        input.push_fetch_done(10, 500, b"oops");
        assert_eq!(
            input.events,
            [
                Event::key_down(Key::Right),
                Event::fetch_done(7, 200, 5),
                Event::fetch_failed(8, FetchError::Timeout),
                Event::fetch_done(9, 404, 0),
                Event::fetch_done(10, 500, 4),
            ]
        );
        assert_eq!(input.payload, b"hello\0\0\0oops");
        let bytes = input.encode();
        assert_eq!(bytes.len(), 5 * EVENT_SIZE + 12);
        assert_eq!(input.encoded_len(), bytes.len());
        assert_eq!(&bytes[16..32], &Event::fetch_done(7, 200, 5).to_bytes());
        assert_eq!(&bytes[16..32], &[6, 0, 0, 0, 7, 0, 0, 0, 200, 0, 0, 0, 5, 0, 0, 0]);
        assert_eq!(&bytes[32..48], &[7, 0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&bytes[80..], b"hello\0\0\0oops");

        // The bundle's side: records, then the bodies out of the payload.
        let records = &bytes[..input.records_len()];
        let events: Vec<Event> = Event::decode_batch(records).collect();
        assert_eq!(events, input.events);
        let bodies: Vec<_> = fetch_bodies(&events, &bytes[records.len()..]).collect();
        assert_eq!(bodies, [(7, Ok(&b"hello"[..])), (9, Ok(&b""[..])), (10, Ok(&b"oops"[..]))]);

        input.clear();
        assert!(input.is_empty() && input.payload.is_empty());
        assert!(input.encode().is_empty());
        assert_eq!(fetch_bodies(&[], &[]).count(), 0);
    }

    #[test]
    fn bodies_at_the_limit_pass_and_larger_ones_become_too_large() {
        let mut input = HostInput::new();
        let full = vec![0xabu8; MAX_FETCH_BODY_BYTES as usize];
        input.push_fetch_done(1, 200, &full);
        input.push_fetch_done(2, 200, &full[..full.len() - 1]);
        let over = vec![1u8; MAX_FETCH_BODY_BYTES as usize + 1];
        input.push_fetch_done(3, 200, &over);
        assert_eq!(input.events[2], Event::fetch_failed(3, FetchError::TooLarge));
        assert_eq!(input.payload.len(), 2 * MAX_FETCH_BODY_BYTES as usize);
        assert_eq!(input.payload.len(), MAX_INPUT_PAYLOAD_BYTES as usize, "two full bodies fill a frame");
        let bodies: Vec<_> = fetch_bodies(&input.events, &input.payload).collect();
        assert_eq!(bodies.len(), 2);
        assert_eq!(bodies[0].1.map(<[u8]>::len), Ok(full.len()));
        assert_eq!(bodies[1].1.map(<[u8]>::len), Ok(full.len() - 1));
    }

    #[test]
    fn malformed_payloads_are_typed_errors() {
        // A body running past the payload, then one after it.
        let events =
            [Event::fetch_done(1, 200, 4), Event::fetch_done(2, 200, 8), Event::fetch_done(3, 200, 0)];
        let payload = b"abcdefgh";
        let got: Vec<_> = fetch_bodies(&events, payload).collect();
        assert_eq!(
            got,
            [
                (1, Ok(&b"abcd"[..])),
                (2, Err(InputError::PastEnd { offset: 4, len: 8, payload_len: 8 })),
                (3, Err(InputError::AfterBadBody)),
            ]
        );
        // The padding must be there too.
        let got: Vec<_> = fetch_bodies(&[Event::fetch_done(4, 200, 3)], b"abc").collect();
        assert_eq!(got, [(4, Err(InputError::PastEnd { offset: 0, len: 3, payload_len: 3 }))]);
        // Negative and over-the-limit lengths.
        let negative = Event { c: -1, ..Event::fetch_done(5, 200, 0) };
        assert_eq!(fetch_bodies(&[negative], &[0; 64]).next(), Some((5, Err(InputError::BadLength(-1)))));
        let huge = Event::fetch_done(6, 200, MAX_FETCH_BODY_BYTES + 1);
        assert_eq!(
            fetch_bodies(&[huge], &[0; 64]).next(),
            Some((6, Err(InputError::BadLength(MAX_FETCH_BODY_BYTES as i32 + 1))))
        );
        let max = Event { c: i32::MAX, ..Event::fetch_done(7, 200, 0) };
        assert_eq!(fetch_bodies(&[max], &[]).next(), Some((7, Err(InputError::BadLength(i32::MAX)))));
        // An empty payload with a non-empty body.
        assert_eq!(
            fetch_bodies(&[Event::fetch_done(8, 200, 1)], &[]).next(),
            Some((8, Err(InputError::PastEnd { offset: 0, len: 1, payload_len: 0 })))
        );
        // Other events never touch the payload; trailing payload bytes are ignored.
        let mixed = [
            Event::key_up(Key::Back),
            Event::fetch_failed(9, FetchError::Network),
            Event::fetch_done(10, 204, 0),
        ];
        assert_eq!(fetch_bodies(&mixed, b"junkjunk").collect::<Vec<_>>(), [(10, Ok(&b""[..]))]);
        // The messages.
        assert_eq!(
            alloc::format!("{}", InputError::PastEnd { offset: 4, len: 8, payload_len: 8 }),
            "payload of 8 bytes at payload byte 4 runs past the 8-byte payload area"
        );
    }

    #[test]
    fn fetch_events_round_trip() {
        let done = Event::fetch_done(42, 404, 1234);
        assert_eq!(Event::from_bytes(&done.to_bytes()), done);
        assert_eq!(
            (EventKind::from_u32(done.kind), done.a, done.b, done.c),
            (Some(EventKind::FetchDone), 42, 404, 1234)
        );
        let failed = Event::fetch_failed(43, FetchError::BadUrl);
        assert_eq!((EventKind::from_u32(failed.kind), failed.b), (Some(EventKind::FetchFailed), 3));
        for (code, error) in [
            (0, FetchError::Other),
            (1, FetchError::Network),
            (2, FetchError::Timeout),
            (3, FetchError::BadUrl),
            (4, FetchError::TooLarge),
            (5, FetchError::Other),
            (u32::MAX, FetchError::Other),
        ] {
            assert_eq!(FetchError::from_u32(code), error);
        }
        assert_eq!(FetchError::Timeout.name(), "timeout");
        assert_eq!(padded_len(0), 0);
        assert_eq!(padded_len(5), 8);
        assert_eq!(MAX_INPUT_BYTES, 64 * 1024 + 16 * 1024 * 1024);
    }

    #[test]
    fn bus_messages_and_state_share_the_payload_with_fetches() {
        let mut input = HostInput::new();
        input.push_restore_state(br#"{"v":1}"#).expect("fits");
        input.push_storage_data(br#"{"profile":"2"}"#).expect("fits");
        input.push_fetch_done(3, 200, b"body!");
        input.push(Event::key_down(Key::Select));
        input.push_bus_message(BusSource::Js, br#"{"type":"x"}"#).expect("fits");
        assert_eq!(input.payload, b"{\"v\":1}\0{\"profile\":\"2\"}\0body!\0\0\0{\"type\":\"x\"}");
        let bytes = input.encode();
        let events: Vec<Event> = Event::decode_batch(&bytes[..input.records_len()]).collect();
        let area = &bytes[input.records_len()..];
        let got: Vec<_> =
            payloads(&events, area).map(|(e, b)| (EventKind::from_u32(e.kind), e.a, b)).collect();
        assert_eq!(
            got,
            [
                (Some(EventKind::RestoreState), 0, Ok(&br#"{"v":1}"#[..])),
                (Some(EventKind::StorageData), 0, Ok(&br#"{"profile":"2"}"#[..])),
                (Some(EventKind::FetchDone), 3, Ok(&b"body!"[..])),
                (Some(EventKind::BusMessage), BusSource::Js as u32, Ok(&br#"{"type":"x"}"#[..])),
            ]
        );
        // The fetch reader steps over the other payloads.
        assert_eq!(fetch_bodies(&events, area).collect::<Vec<_>>(), [(3, Ok(&b"body!"[..]))]);
        // Limits per kind; a refused payload adds no event.
        let big = vec![b' '; MAX_BUS_MESSAGE_BYTES as usize + 1];
        assert_eq!(
            input.push_bus_message(BusSource::Host, &big),
            Err(PayloadTooLarge { len: big.len(), limit: MAX_BUS_MESSAGE_BYTES })
        );
        assert!(input.push_restore_state(&big).is_err());
        assert!(input.push_storage_data(&big).is_err());
        assert_eq!(input.events.len(), 5);
        // A message event claiming more than its kind allows is a typed error.
        let lying = Event { c: MAX_BUS_MESSAGE_BYTES as i32 + 1, ..Event::bus_message(BusSource::Js, 0) };
        assert_eq!(
            payloads(&[lying], &big).next().map(|(_, b)| b),
            Some(Err(InputError::BadLength(MAX_BUS_MESSAGE_BYTES as i32 + 1)))
        );
    }
}
