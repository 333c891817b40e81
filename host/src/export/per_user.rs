//! How many downloads one person may run at once: a few, so one user (or
//! one script with their token) cannot take every export slot and database
//! connection the exports' share leaves, and the others queue behind.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Downloads one user may run at once.
pub const MAX_EXPORTS_PER_USER: usize = 3;

/// Running downloads per user id.
#[derive(Debug, Clone, Default)]
pub(crate) struct PerUser {
    running: Arc<Mutex<HashMap<String, usize>>>,
}

/// One running download of a user; the count drops when it is dropped.
#[derive(Debug)]
pub struct ExportTicket {
    running: Arc<Mutex<HashMap<String, usize>>>,
    user: String,
}

impl PerUser {
    /// A ticket for another download of `user`, or `None` when they run
    /// [`MAX_EXPORTS_PER_USER`] already.
    pub(crate) fn take(&self, user: &str) -> Option<ExportTicket> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let n = running.entry(user.to_owned()).or_insert(0);
        if *n >= MAX_EXPORTS_PER_USER {
            return None;
        }
        *n += 1;
        Some(ExportTicket {
            running: Arc::clone(&self.running),
            user: user.to_owned(),
        })
    }
}

impl Drop for ExportTicket {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = running.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                running.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_gets_a_few_downloads_and_gets_them_back() {
        let per_user = PerUser::default();
        let ana: Vec<_> = (0..MAX_EXPORTS_PER_USER)
            .map(|_| per_user.take("ana").unwrap())
            .collect();
        assert!(per_user.take("ana").is_none());
        // Someone else is not affected.
        let bo = per_user.take("bo").unwrap();
        drop(ana);
        assert!(per_user.take("ana").is_some());
        drop(bo);
        assert!(per_user.running.lock().unwrap().is_empty());
    }
}
