//! Placeholder: the SDK is being written.
#![deny(missing_docs)]
