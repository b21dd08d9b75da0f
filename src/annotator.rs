//! The annotator's name where no window asks for it: the default offered to a new user
//! (`git config user.name`, then the system user) and the stamper a command-line run
//! stamps its changes with.

use crate::model::{Clock, Stamper};
use std::process::{Command, Stdio};

/// The name offered when none is set: `git config user.name` when git is installed and has
/// one, else the system user (`$USER`, then `$USERNAME`); empty when none is known.
pub fn default_annotator() -> String {
    default_from(git_user_name, |k| std::env::var(k).ok())
}

/// [`default_annotator`] from its sources: `git` (None: not installed, failed or unset)
/// and the environment; the first non-blank one, trimmed.
pub fn default_from(
    git: impl FnOnce() -> Option<String>,
    env: impl Fn(&str) -> Option<String>,
) -> String {
    let name = |s: String| {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_owned())
    };
    git()
        .and_then(name)
        .or_else(|| {
            ["USER", "USERNAME"]
                .into_iter()
                .find_map(|k| env(k).and_then(name))
        })
        .unwrap_or_default()
}

/// `git config user.name`; `None` when git is missing, fails or has no name.
fn git_user_name() -> Option<String> {
    let out = Command::new("git")
        .args(["config", "user.name"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Who a command-line run stamps its changes by: `by` when given, else
/// [`default_annotator`]; `None` (no stamps) when both are blank.
pub fn cli_stamper(by: Option<&str>) -> Option<Stamper> {
    let name = by.map_or_else(default_annotator, |b| b.trim().to_owned());
    (!name.is_empty()).then_some(Stamper {
        by: name,
        clock: Clock::System,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_name_wins_and_a_blank_one_stamps_nothing() {
        assert_eq!(
            cli_stamper(Some(" Anna ")).map(|s| s.by),
            Some("Anna".to_owned())
        );
        assert!(cli_stamper(Some("  ")).is_none());
    }
}
