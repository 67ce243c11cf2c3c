//! The bot's commands as teloxide sees them: the menu Telegram shows (`set_my_commands`) and
//! the filter that sends commands down their own branch of the handler tree.
//!
//! The engine reads the command and its argument from the message text itself (see
//! `chat::engine`), so this list only has to name the commands and describe them; keep it in
//! step with the engine's `/help`. A command missing here still works when typed: it goes
//! down the text branch to the same engine.

use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

/// The commands in the menu, in the order shown.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    #[command(description = "welcome, and set your time zone")]
    Start,
    #[command(description = "what I understand")]
    Help,
    #[command(description = "your day: meals, score, fibre, plants")]
    Today,
    #[command(description = "the last seven days and this week's plants")]
    Week,
    #[command(description = "your last 30 days as a picture")]
    Chart,
    #[command(description = "which foods go with better or worse skin")]
    Insights,
    #[command(description = "rate your skin 1-5")]
    Skin,
    #[command(description = "remove the last meal")]
    Undo,
    #[command(description = "today's meals, with delete buttons")]
    History,
    #[command(description = "questions I can answer")]
    Faq(String),
    #[command(description = "a tip for today")]
    Tips,
    #[command(description = "how the score works")]
    Score,
    #[command(description = "your time zone")]
    Tz(String),
    #[command(description = "HH:MM or off: your evening digest")]
    Digest(String),
    #[command(description = "your settings")]
    Settings,
    #[command(description = "what I keep about you")]
    Privacy,
    #[command(description = "all your data as a CSV file")]
    Export,
    #[command(description = "delete everything")]
    Forget,
}

impl Command {
    /// The menu for `set_my_commands`: names without the slash, as the Bot API wants them.
    pub fn menu() -> Vec<BotCommand> {
        Command::bot_commands()
            .into_iter()
            .map(|command| {
                BotCommand::new(
                    command.command.trim_start_matches('/').to_string(),
                    command.description,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_names_every_command_in_the_bot_apis_form() {
        let menu = Command::menu();
        assert_eq!(menu.len(), 18);
        for command in &menu {
            assert!(
                (1..=32).contains(&command.command.len())
                    && command
                        .command
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                command.command
            );
            assert!((3..=256).contains(&command.description.len()));
        }
        assert_eq!(menu[0].command, "start");
    }

    #[test]
    fn commands_with_an_argument_parse() {
        assert_eq!(
            Command::parse("/tz Europe/Berlin", "gutskin_bot").ok(),
            Some(Command::Tz("Europe/Berlin".to_string()))
        );
        assert_eq!(
            Command::parse("/start@gutskin_bot", "gutskin_bot").ok(),
            Some(Command::Start)
        );
        assert!(Command::parse("porridge", "gutskin_bot").is_err());
    }
}
