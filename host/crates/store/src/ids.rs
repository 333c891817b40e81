//! Identifiers and secret-token hashes.
//!
//! Ids are 128 random bits in lower-case hex: unguessable (a dashboard id in
//! a URL reveals nothing about others) and safe in URLs and sled keys.
//! Secrets (session ids, API tokens) are never stored; only their SHA-256
//! is, so a copy of the database does not let anyone sign in. A fast hash
//! is enough because the secrets are 256 random bits, not passwords.

use std::fmt;

use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `n` random bytes from the thread-local CSPRNG, hex-encoded.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new random id.
            pub fn random() -> Self {
                Self(random_hex(16))
            }

            /// Wrap an id that came from outside (a URL, a form). It is only
            /// a lookup key: an unknown or malformed id simply finds nothing.
            pub fn from_string(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// Identifies a user; stable across renames and role changes.
    UserId
);
id_type!(
    /// Identifies a dashboard.
    DashboardId
);
id_type!(
    /// Identifies an API token, so it can be listed and revoked without
    /// knowing the secret.
    TokenId
);

/// SHA-256 of a secret token; the form in which sessions and API tokens are
/// stored and looked up.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// Hash a secret as presented by a client.
    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// The raw hash, used as a sled key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Rebuild from a sled key; `None` if it is not 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A prefix is enough to tell hashes apart in logs.
        write!(f, "TokenHash({}…)", &hex::encode(self.0)[..8])
    }
}

impl Serialize for TokenHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}

impl<'de> Deserialize<'de> for TokenHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = hex::decode(&text).map_err(serde::de::Error::custom)?;
        Self::from_slice(&bytes).ok_or_else(|| serde::de::Error::custom("expected 32 bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_and_hex() {
        let a = UserId::random();
        let b = UserId::random();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn token_hash_round_trips_through_json() {
        let h = TokenHash::of("secret");
        let json = serde_json::to_string(&h).unwrap();
        let back: TokenHash = serde_json::from_str(&json).unwrap();
        assert_eq!(h, back);
        assert_ne!(h, TokenHash::of("secret2"));
        assert!(serde_json::from_str::<TokenHash>("\"abcd\"").is_err());
    }
}
