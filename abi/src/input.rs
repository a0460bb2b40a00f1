//! A frame's input (ABI 1.3): what a host writes into the bundle's input buffer before
//! `touchline_frame(time_us, event_count)`.
//!
//! Layout: `event_count` 16-byte [`Event`] records, then the payload area: the bodies of that
//! batch's [`EventKind::FetchDone`] events, concatenated in event order, each zero-padded to a
//! multiple of 4 (a `FetchDone`'s `c` is its body's unpadded length). Other events carry no
//! payload. A host sizes the buffer with `touchline_input_buffer(records + payload)`, at most
//! [`MAX_EVENT_BATCH_BYTES`] + [`MAX_INPUT_PAYLOAD_BYTES`] ([`MAX_INPUT_BYTES`]).
//!
//! Hosts build it with [`HostInput`]; bundles read the bodies back with [`fetch_bodies`].

use alloc::vec::Vec;

use crate::MAX_EVENT_BATCH_BYTES;
use crate::event::{EVENT_SIZE, Event, EventKind, FetchError};

/// The largest response body a host hands over for one fetch (bytes, ABI 1.3); a larger one
/// is answered with `FetchFailed` [`FetchError::TooLarge`].
pub const MAX_FETCH_BODY_BYTES: u32 = 8 * 1024 * 1024;
/// The most payload bytes (padded fetch bodies) one frame's input may carry (ABI 1.3). A host
/// holding more completed bodies delivers the rest in later frames.
pub const MAX_INPUT_PAYLOAD_BYTES: u32 = 16 * 1024 * 1024;
/// The largest input buffer a host asks for: the records' limit plus the payload's.
pub const MAX_INPUT_BYTES: u32 = MAX_EVENT_BATCH_BYTES + MAX_INPUT_PAYLOAD_BYTES;

/// `len` rounded up to a multiple of 4: the room a body of `len` bytes takes in the payload.
pub const fn padded_len(len: usize) -> usize {
    len.next_multiple_of(4)
}

/// One frame's input as a host builds it: events in delivery order and the payload area.
///
/// Use [`Self::push_fetch_done`] for `FetchDone` events (it appends the body too); [`Self::push`]
/// is for events without a body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostInput {
    /// The records, in delivery order.
    pub events: Vec<Event>,
    /// The padded bodies of the `FetchDone` events among them, in event order.
    pub payload: Vec<u8>,
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
        self.events.push(Event::fetch_done(id, status, body.len() as u32));
        self.payload.extend_from_slice(body);
        self.payload.resize(padded_len(self.payload.len()), 0);
    }

    /// Appends a `FetchFailed` event.
    pub fn push_fetch_failed(&mut self, id: u32, error: FetchError) {
        self.events.push(Event::fetch_failed(id, error));
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

/// Why a `FetchDone`'s body could not be read from the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The event's body length (`c`) is negative or over [`MAX_FETCH_BODY_BYTES`].
    #[error("fetch body length {0} is out of range")]
    BadLength(i32),
    /// The padded body runs past the end of the payload.
    #[error("fetch body of {len} bytes at payload byte {offset} runs past the {payload_len}-byte payload")]
    PastEnd {
        /// Where the body starts in the payload.
        offset: usize,
        /// The body's unpadded length.
        len: usize,
        /// The payload's length.
        payload_len: usize,
    },
    /// An earlier body of the batch was bad, so where this one starts is unknown.
    #[error("fetch body follows a bad one")]
    AfterBadBody,
}

/// The bodies of the `FetchDone` events among `events`, in order, sliced out of `payload` with
/// every bound checked: `(fetch id, body)`. Once one body is bad (its length out of range or
/// running past the payload) the later ones are [`InputError::AfterBadBody`]. Payload bytes
/// after the last body are ignored.
pub fn fetch_bodies<'e, 'p>(events: &'e [Event], payload: &'p [u8]) -> FetchBodies<'e, 'p> {
    FetchBodies { events: events.iter(), payload, offset: 0, failed: false }
}

/// The iterator [`fetch_bodies`] returns.
#[derive(Clone, Debug)]
pub struct FetchBodies<'e, 'p> {
    events: core::slice::Iter<'e, Event>,
    payload: &'p [u8],
    offset: usize,
    failed: bool,
}

impl<'p> Iterator for FetchBodies<'_, 'p> {
    type Item = (u32, Result<&'p [u8], InputError>);

    fn next(&mut self) -> Option<Self::Item> {
        let event = self.events.find(|e| e.kind == EventKind::FetchDone as u32)?;
        if self.failed {
            return Some((event.a, Err(InputError::AfterBadBody)));
        }
        let body = self.body(event.c);
        self.failed = body.is_err();
        Some((event.a, body))
    }
}

impl<'p> FetchBodies<'_, 'p> {
    fn body(&mut self, len: i32) -> Result<&'p [u8], InputError> {
        let len = u32::try_from(len)
            .ok()
            .filter(|len| *len <= MAX_FETCH_BODY_BYTES)
            .ok_or(InputError::BadLength(len))? as usize;
        let payload_len = self.payload.len();
        let past_end = InputError::PastEnd { offset: self.offset, len, payload_len };
        // `offset` ≤ payload_len and `len` ≤ 8 MiB: no overflow.
        let end = self.offset + padded_len(len);
        if end > payload_len {
            return Err(past_end);
        }
        let body = &self.payload[self.offset..self.offset + len];
        self.offset = end;
        Ok(body)
    }
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
            "fetch body of 8 bytes at payload byte 4 runs past the 8-byte payload"
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
}
