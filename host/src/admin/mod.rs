//! Administration while the server runs: the commands of `wasmdash user`,
//! `token`, `alerts` and `rollups`, answered either by the running server over a
//! local socket or, when no server runs, by the CLI itself on the store.
//!
//! sled lets one process at a time open the state, so a CLI that opened
//! it while the server ran would have to wait for downtime. Instead the
//! server listens on `<data_dir>/admin.sock`, a Unix socket only its owner
//! may open (mode 0600): whoever can connect could read the data directory
//! anyway. Both paths run the same [`execute`] on an [`AdminContext`], so
//! the output is the same either way.
//!
//! ```no_run
//! use wasmdash::admin::{AdminRequest, call};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! match call("./data".as_ref(), &AdminRequest::UserList)? {
//!     Some(reply) => print!("{}", reply.into_result()?),
//!     None => println!("no server runs; open the store instead"),
//! }
//! # Ok(())
//! # }
//! ```

mod commands;
mod format;
mod protocol;
mod socket;

pub use commands::{AdminContext, AdminError, execute, rollups};
pub use protocol::{AdminReply, AdminRequest};
pub use socket::{AdminSocket, SOCKET_FILE, call, socket_path};
