//! Password rules. Hashing (Argon2id, bounded and off the async workers)
//! lives in `hashing`.

use super::error::{AuthError, Result};

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest accepted password, in characters.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Check a new password against the length rules.
pub fn check_password_rules(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AuthError::PasswordTooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AuthError::PasswordTooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(matches!(
            check_password_rules("1234567"),
            Err(AuthError::PasswordTooShort { min: 8 })
        ));
        assert!(check_password_rules("12345678").is_ok());
        assert!(check_password_rules("äöüäöüäö").is_ok());
        assert!(check_password_rules(&"x".repeat(1025)).is_err());
    }
}
