//! The adapter's settings: Telegram's rate limits, how failed calls are retried, and the
//! long-polling timeout, from `config/telegram.toml` with `GUTSKIN_*` environment overrides.
//!
//! The limits are settings rather than constants so that a load test against a fake server
//! can lift them, and an operator whose bot Telegram has granted more can raise them. Every
//! value is checked at start-up, so a typo fails the start rather than the first send.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use teloxide::adaptors::throttle::Limits;

/// The settings compiled into the binary.
const BUILTIN: &str = include_str!("../../config/telegram.toml");

/// The environment variables that override a setting start with this.
pub const ENV_PREFIX: &str = "GUTSKIN_";

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the Telegram settings do not parse: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("{variable}={value:?} is not {expected}")]
    Environment {
        variable: String,
        value: String,
        expected: &'static str,
    },
    #[error("{key} = {value} is out of range: {allowed}")]
    OutOfRange {
        key: &'static str,
        value: u64,
        allowed: &'static str,
    },
}

/// How the adapter talks to the Bot API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelegramSettings {
    /// The limits teloxide's Throttle keeps sends within; `None` sends without Throttle.
    pub throttle: Option<Limits>,
    /// How failed calls are tried again.
    pub retry: RetryPolicy,
    /// How long one `getUpdates` call waits for news.
    pub polling_timeout: Duration,
    /// The rate daily digests go out at, or `None` when the bot sends no digests.
    pub digests: Option<NonZeroU32>,
}

/// How a failed Bot API call is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included (at least 1).
    pub attempts: u32,
    /// The wait after the first network failure; it doubles with each further one.
    pub first_delay: Duration,
    /// The longest "retry after" from Telegram that is waited out; a longer one fails the call.
    pub longest_wait: Duration,
}

impl RetryPolicy {
    /// The wait before try number `attempt + 1` after a network failure of try `attempt`
    /// (1-based): the first delay doubled for each earlier failure, capped at the longest wait.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(16);
        self.first_delay
            .saturating_mul(1 << doublings)
            .min(self.longest_wait)
    }
}

/// The file's keys, one for one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    throttle: bool,
    messages_per_second: u32,
    messages_per_second_per_chat: u32,
    messages_per_minute_per_chat: u32,
    send_attempts: u32,
    first_retry_delay_ms: u64,
    longest_retry_wait_secs: u64,
    polling_timeout_secs: u64,
    // Later keys have defaults, so that a copy of an older file still loads.
    #[serde(default = "default_digests")]
    digests: bool,
    #[serde(default = "default_digests_per_second")]
    digests_per_second: u32,
}

fn default_digests() -> bool {
    true
}

fn default_digests_per_second() -> u32 {
    28
}

impl TelegramSettings {
    /// The built-in settings, with the process environment's overrides.
    pub fn builtin() -> Result<TelegramSettings, SettingsError> {
        TelegramSettings::from_toml(BUILTIN, |name| std::env::var(name).ok())
    }

    /// The settings in the file at `path`, with the process environment's overrides.
    pub fn load(path: &Path) -> Result<TelegramSettings, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        TelegramSettings::from_toml(&text, |name| std::env::var(name).ok())
    }

    /// The settings in `text`, each overridden by `environment("GUTSKIN_<KEY>")` when that
    /// gives a value (a parameter, so tests need not touch the process environment).
    pub fn from_toml(
        text: &str,
        environment: impl Fn(&str) -> Option<String>,
    ) -> Result<TelegramSettings, SettingsError> {
        let mut file: SettingsFile = toml::from_str(text)?;
        let env = Overrides(&environment);
        env.flag("throttle", &mut file.throttle)?;
        env.number("messages_per_second", &mut file.messages_per_second)?;
        env.number(
            "messages_per_second_per_chat",
            &mut file.messages_per_second_per_chat,
        )?;
        env.number(
            "messages_per_minute_per_chat",
            &mut file.messages_per_minute_per_chat,
        )?;
        env.number("send_attempts", &mut file.send_attempts)?;
        env.number("first_retry_delay_ms", &mut file.first_retry_delay_ms)?;
        env.number("longest_retry_wait_secs", &mut file.longest_retry_wait_secs)?;
        env.number("polling_timeout_secs", &mut file.polling_timeout_secs)?;
        env.flag("digests", &mut file.digests)?;
        env.number("digests_per_second", &mut file.digests_per_second)?;
        file.check()
    }
}

impl SettingsFile {
    fn check(self) -> Result<TelegramSettings, SettingsError> {
        // Throttle allocates a queue as long as the overall limit, so it is kept sane.
        in_range(
            "messages_per_second",
            self.messages_per_second.into(),
            1..=10_000,
            "1 to 10000",
        )?;
        in_range(
            "messages_per_second_per_chat",
            self.messages_per_second_per_chat.into(),
            1..=10_000,
            "1 to 10000",
        )?;
        in_range(
            "messages_per_minute_per_chat",
            self.messages_per_minute_per_chat.into(),
            1..=600_000,
            "1 to 600000",
        )?;
        in_range(
            "send_attempts",
            self.send_attempts.into(),
            1..=10,
            "1 to 10",
        )?;
        in_range(
            "first_retry_delay_ms",
            self.first_retry_delay_ms,
            1..=60_000,
            "1 to 60000",
        )?;
        in_range(
            "longest_retry_wait_secs",
            self.longest_retry_wait_secs,
            1..=3_600,
            "1 to 3600",
        )?;
        // Telegram's own bound on a long poll.
        in_range(
            "polling_timeout_secs",
            self.polling_timeout_secs,
            0..=50,
            "0 to 50",
        )?;
        in_range(
            "digests_per_second",
            self.digests_per_second.into(),
            1..=10_000,
            "1 to 10000",
        )?;
        Ok(TelegramSettings {
            throttle: self.throttle.then_some(Limits {
                messages_per_sec_overall: self.messages_per_second,
                messages_per_sec_chat: self.messages_per_second_per_chat,
                messages_per_min_chat: self.messages_per_minute_per_chat,
                // The bot talks in private chats only; this limit never applies.
                messages_per_min_channel_or_supergroup: Limits::default()
                    .messages_per_min_channel_or_supergroup,
            }),
            retry: RetryPolicy {
                attempts: self.send_attempts,
                first_delay: Duration::from_millis(self.first_retry_delay_ms),
                longest_wait: Duration::from_secs(self.longest_retry_wait_secs),
            },
            polling_timeout: Duration::from_secs(self.polling_timeout_secs),
            digests: NonZeroU32::new(self.digests_per_second).filter(|_| self.digests),
        })
    }
}

fn in_range(
    key: &'static str,
    value: u64,
    range: std::ops::RangeInclusive<u64>,
    allowed: &'static str,
) -> Result<(), SettingsError> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(SettingsError::OutOfRange {
            key,
            value,
            allowed,
        })
    }
}

/// Reads `GUTSKIN_<KEY>` overrides through a lookup function.
struct Overrides<'a, F: Fn(&str) -> Option<String>>(&'a F);

impl<F: Fn(&str) -> Option<String>> Overrides<'_, F> {
    fn lookup(&self, key: &str) -> Option<(String, String)> {
        let variable = format!("{ENV_PREFIX}{}", key.to_ascii_uppercase());
        let value = (self.0)(&variable)?;
        Some((variable, value.trim().to_string()))
    }

    fn flag(&self, key: &str, field: &mut bool) -> Result<(), SettingsError> {
        if let Some((variable, value)) = self.lookup(key) {
            *field = match value.to_ascii_lowercase().as_str() {
                "true" | "on" | "yes" | "1" => true,
                "false" | "off" | "no" | "0" => false,
                _ => {
                    return Err(SettingsError::Environment {
                        variable,
                        value,
                        expected: "true or false",
                    })
                }
            };
        }
        Ok(())
    }

    fn number<N: std::str::FromStr>(&self, key: &str, field: &mut N) -> Result<(), SettingsError> {
        if let Some((variable, value)) = self.lookup(key) {
            *field = value.parse().map_err(|_| SettingsError::Environment {
                variable,
                value,
                expected: "a whole number",
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_environment(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_builtin_settings_keep_telegrams_limits() {
        let settings = TelegramSettings::from_toml(BUILTIN, no_environment).expect("valid");
        let limits = settings.throttle.expect("throttled by default");
        assert_eq!(limits.messages_per_sec_overall, 30);
        assert_eq!(limits.messages_per_sec_chat, 1);
        assert_eq!(limits.messages_per_min_chat, 20);
        assert_eq!(settings.retry.attempts, 4);
        assert_eq!(settings.polling_timeout, Duration::from_secs(10));
        assert_eq!(settings.digests, NonZeroU32::new(28));
    }

    #[test]
    fn digests_can_be_turned_off_and_an_older_file_still_loads() {
        let off = |name: &str| (name == "GUTSKIN_DIGESTS").then(|| "false".to_string());
        let settings = TelegramSettings::from_toml(BUILTIN, off).expect("valid");
        assert_eq!(settings.digests, None);

        let older: String = BUILTIN
            .lines()
            .filter(|line| !line.starts_with("digests"))
            .map(|line| format!("{line}\n"))
            .collect();
        let settings = TelegramSettings::from_toml(&older, no_environment).expect("valid");
        assert_eq!(settings.digests, NonZeroU32::new(28));
    }

    #[test]
    fn environment_variables_override_the_file() {
        let environment = |name: &str| match name {
            "GUTSKIN_THROTTLE" => Some("off".to_string()),
            "GUTSKIN_SEND_ATTEMPTS" => Some(" 2 ".to_string()),
            _ => None,
        };
        let settings = TelegramSettings::from_toml(BUILTIN, environment).expect("valid");
        assert_eq!(settings.throttle, None);
        assert_eq!(settings.retry.attempts, 2);
    }

    #[test]
    fn bad_values_are_refused_by_name() {
        let environment =
            |name: &str| (name == "GUTSKIN_MESSAGES_PER_SECOND").then(|| "lots".to_string());
        let error = TelegramSettings::from_toml(BUILTIN, environment).unwrap_err();
        assert!(
            error.to_string().contains("GUTSKIN_MESSAGES_PER_SECOND"),
            "{error}"
        );

        let environment =
            |name: &str| (name == "GUTSKIN_MESSAGES_PER_SECOND").then(|| "0".to_string());
        let error = TelegramSettings::from_toml(BUILTIN, environment).unwrap_err();
        assert!(error.to_string().contains("messages_per_second"), "{error}");

        let error = TelegramSettings::from_toml("throttle = true\nsurprise = 1", no_environment);
        assert!(error.is_err());
    }

    #[test]
    fn backoff_doubles_up_to_the_longest_wait() {
        let policy = RetryPolicy {
            attempts: 10,
            first_delay: Duration::from_millis(500),
            longest_wait: Duration::from_secs(3),
        };
        assert_eq!(policy.backoff(1), Duration::from_millis(500));
        assert_eq!(policy.backoff(2), Duration::from_secs(1));
        assert_eq!(policy.backoff(3), Duration::from_secs(2));
        assert_eq!(policy.backoff(4), Duration::from_secs(3));
        assert_eq!(policy.backoff(40), Duration::from_secs(3));
    }
}
