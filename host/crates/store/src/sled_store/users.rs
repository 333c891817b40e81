//! Users and API tokens in sled.

use chrono::{DateTime, Utc};
use sled::Transactional;

use super::{SledStore, abort, trees};
use crate::envelope::{decode, encode};
use crate::error::{Result, StoreError, from_tx};
use crate::ids::{TokenHash, TokenId, UserId};
use crate::user::{ApiToken, User, username_key, validate_username};

impl SledStore {
    pub(super) fn insert_user_impl(&self, user: &User) -> Result<()> {
        validate_username(&user.username)?;
        let value = encode(trees::USERS, user)?;
        let index_value = encode(trees::USERNAMES, &user.id)?;
        let name_key = username_key(&user.username);
        (&self.users, &self.usernames)
            .transaction(|(users, names)| {
                if names.get(name_key.as_bytes())?.is_some() {
                    return abort(StoreError::DuplicateUsername(user.username.clone()));
                }
                names.insert(name_key.as_bytes(), index_value.clone())?;
                users.insert(user.id.as_str().as_bytes(), value.clone())?;
                Ok(())
            })
            .map_err(from_tx)?;
        self.flush()
    }

    pub(super) fn user_impl(&self, id: &UserId) -> Result<Option<User>> {
        self.users
            .get(id.as_str())?
            .map(|v| decode(trees::USERS, &v))
            .transpose()
    }

    pub(super) fn user_by_name_impl(&self, username: &str) -> Result<Option<User>> {
        match self.usernames.get(username_key(username))? {
            Some(id) => self.user_impl(&decode(trees::USERNAMES, &id)?),
            None => Ok(None),
        }
    }

    pub(super) fn users_impl(&self) -> Result<Vec<User>> {
        let mut users = self
            .users
            .iter()
            .map(|kv| decode::<User>(trees::USERS, &kv?.1))
            .collect::<Result<Vec<_>>>()?;
        users.sort_by_key(|u| username_key(&u.username));
        Ok(users)
    }

    /// Read-modify-write one user atomically.
    pub(super) fn modify_user(&self, id: &UserId, change: impl Fn(&mut User)) -> Result<User> {
        let user = self
            .users
            .transaction(|users| {
                let Some(bytes) = users.get(id.as_str())? else {
                    return abort(StoreError::UserNotFound);
                };
                let mut user: User = decode(trees::USERS, &bytes).or_else(abort)?;
                change(&mut user);
                users.insert(id.as_str(), encode(trees::USERS, &user).or_else(abort)?)?;
                Ok(user)
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(user)
    }

    pub(super) fn set_password_hash_impl(
        &self,
        id: &UserId,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<User> {
        // Sessions created between this scan and the transaction are void
        // anyway: validation rejects sessions older than the password.
        let sessions = self.session_keys_of(id)?;
        let user = (&self.users, &self.sessions, &self.sessions_by_user)
            .transaction(|(users, sessions_tree, by_user)| {
                let Some(bytes) = users.get(id.as_str())? else {
                    return abort(StoreError::UserNotFound);
                };
                let mut user: User = decode(trees::USERS, &bytes).or_else(abort)?;
                user.password_hash = hash.to_owned();
                user.password_changed_at = now;
                users.insert(id.as_str(), encode(trees::USERS, &user).or_else(abort)?)?;
                for (index_key, session_key) in &sessions {
                    sessions_tree.remove(session_key.as_slice())?;
                    by_user.remove(index_key.as_slice())?;
                }
                Ok(user)
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(user)
    }

    pub(super) fn insert_api_token_impl(&self, token: &ApiToken) -> Result<()> {
        if self.user_impl(&token.user)?.is_none() {
            return Err(StoreError::UserNotFound);
        }
        self.api_tokens
            .insert(token.hash.as_bytes(), encode(trees::API_TOKENS, token)?)?;
        self.flush()
    }

    pub(super) fn api_token_impl(&self, hash: &TokenHash) -> Result<Option<ApiToken>> {
        self.api_tokens
            .get(hash.as_bytes())?
            .map(|v| decode(trees::API_TOKENS, &v))
            .transpose()
    }

    pub(super) fn api_tokens_of_impl(&self, user: &UserId) -> Result<Vec<ApiToken>> {
        // A user has a handful of tokens; a scan is simpler than an index.
        let mut tokens = self.all_api_tokens_impl()?;
        tokens.retain(|t| &t.user == user);
        Ok(tokens)
    }

    pub(super) fn all_api_tokens_impl(&self) -> Result<Vec<ApiToken>> {
        let mut tokens = self
            .api_tokens
            .iter()
            .map(|kv| decode::<ApiToken>(trees::API_TOKENS, &kv?.1))
            .collect::<Result<Vec<_>>>()?;
        tokens.sort_by_key(|t| t.created);
        Ok(tokens)
    }

    pub(super) fn touch_api_token_impl(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        self.api_tokens
            .transaction(|tokens| {
                if let Some(bytes) = tokens.get(hash.as_bytes())? {
                    let mut token: ApiToken = decode(trees::API_TOKENS, &bytes).or_else(abort)?;
                    token.last_used = Some(now);
                    tokens.insert(
                        hash.as_bytes(),
                        encode(trees::API_TOKENS, &token).or_else(abort)?,
                    )?;
                }
                Ok(())
            })
            .map_err(from_tx)?;
        self.flush()
    }

    pub(super) fn delete_api_token_impl(&self, user: &UserId, id: &TokenId) -> Result<()> {
        let token = self
            .api_tokens_of_impl(user)?
            .into_iter()
            .find(|t| &t.id == id)
            .ok_or(StoreError::TokenNotFound)?;
        self.api_tokens.remove(token.hash.as_bytes())?;
        self.flush()
    }

    pub(super) fn delete_user_impl(&self, id: &UserId) -> Result<()> {
        let Some(user) = self.user_impl(id)? else {
            return Err(StoreError::UserNotFound);
        };
        let sessions = self.session_keys_of(id)?;
        let tokens: Vec<TokenHash> = self
            .api_tokens_of_impl(id)?
            .into_iter()
            .map(|t| t.hash)
            .collect();
        let name_key = username_key(&user.username);
        (
            &self.users,
            &self.usernames,
            &self.sessions,
            &self.sessions_by_user,
            &self.api_tokens,
            &self.defaults,
        )
            .transaction(
                |(users, names, sessions_tree, by_user, api_tokens, defaults)| {
                    users.remove(id.as_str())?;
                    names.remove(name_key.as_bytes())?;
                    for (index_key, session_key) in &sessions {
                        sessions_tree.remove(session_key.as_slice())?;
                        by_user.remove(index_key.as_slice())?;
                    }
                    for hash in &tokens {
                        api_tokens.remove(hash.as_bytes())?;
                    }
                    defaults.remove(id.as_str())?;
                    Ok(())
                },
            )
            .map_err(from_tx)?;
        self.flush()
    }
}
