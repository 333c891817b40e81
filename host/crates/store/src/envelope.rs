//! Versioned values: every record is stored as `{"v": N, "value": ...}`.
//!
//! sled is beta and our records will grow; the version number lets a later
//! wasmdash migrate old records on read and lets an older wasmdash refuse,
//! clearly, records it cannot understand instead of misreading them. JSON
//! keeps the database inspectable and the backup format trivial.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::error::{Result, StoreError};

/// The schema version this build writes and the newest it reads.
///
/// History: 1 — first release; 2 — every dashboard (current and each kept
/// version) carries a `note`: who saved it, when, and an optional message
/// (records of version 1 are upgraded on read, see `migrate`).
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Out<'a, T> {
    v: u32,
    value: &'a T,
}

#[derive(Deserialize)]
struct Header {
    v: u32,
}

#[derive(Deserialize)]
struct In<T> {
    value: T,
}

/// Encode a record for `tree`.
pub(crate) fn encode<T: Serialize>(tree: &'static str, value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(&Out {
        v: SCHEMA_VERSION,
        value,
    })
    .map_err(|e| StoreError::Corrupt {
        tree,
        reason: format!("could not encode: {e}"),
    })
}

/// Decode a record read from `tree` whose shape has not changed since
/// version 1.
pub(crate) fn decode<T: DeserializeOwned>(tree: &'static str, bytes: &[u8]) -> Result<T> {
    decode_upgrading(tree, bytes, |_, _| {})
}

/// Decode a record read from `tree`, letting `upgrade` rewrite the JSON of
/// a record written by an older schema version (given as its first
/// argument) into today's shape first.
pub(crate) fn decode_upgrading<T: DeserializeOwned>(
    tree: &'static str,
    bytes: &[u8],
    upgrade: impl FnOnce(u32, &mut serde_json::Value),
) -> Result<T> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt {
        tree,
        reason: e.to_string(),
    };
    let header: Header = serde_json::from_slice(bytes).map_err(corrupt)?;
    if header.v > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            tree,
            found: header.v,
            supported: SCHEMA_VERSION,
        });
    }
    let mut record: In<serde_json::Value> = serde_json::from_slice(bytes).map_err(corrupt)?;
    if header.v < SCHEMA_VERSION {
        upgrade(header.v, &mut record.value);
    }
    serde_json::from_value(record.value).map_err(corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refuses_newer() {
        let bytes = encode("t", &vec![1, 2, 3]).unwrap();
        assert_eq!(decode::<Vec<i32>>("t", &bytes).unwrap(), vec![1, 2, 3]);
        let newer = br#"{"v": 99, "value": [1]}"#;
        assert!(matches!(
            decode::<Vec<i32>>("t", newer),
            Err(StoreError::NewerSchema { found: 99, .. })
        ));
        assert!(matches!(
            decode::<Vec<i32>>("t", b"garbage"),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
