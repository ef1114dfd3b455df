//! Where the database lives: `--db`, then `DESKSIDE_DB`, then `db` in the
//! user's config file, then the system config file `/etc/deskside/config.toml`
//! (for a shared support box), then the user data directory.
//!
//! A setgid install (see `privilege`) trusts only the system config: no
//! `--db`, no environment, no user config file.

use crate::privilege;
use crate::{Error, Result};
use directories::ProjectDirs;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const SYSTEM_CONFIG: &str = privilege::ETC_CONFIG;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Path of the database file.
    pub db: Option<PathBuf>,
    /// Outgoing mail (see `MailConfig`).
    pub mail: Option<MailConfig>,
    /// Accounts that may act as any technician, such as `mail` for the
    /// mail server's pipe (`gateways = ["mail"]`). Read from the system
    /// config only.
    pub gateways: Option<Vec<String>>,
    /// How requesters reach IT Support (see `ContactConfig`).
    pub contact: Option<ContactConfig>,
}

/// The `[contact]` table: the "Contact IT" block of the self-help site
/// (`kb export --html`), shown on every page and under a search that
/// found nothing. Every key is optional; checked when used.
///
/// ```toml
/// [contact]
/// portal_url = "https://help.trust.sch.uk/"   # http(s) only
/// email = "it@trust.sch.uk"
/// phone = "01234 567890 ext 201"
/// hours = "Mon-Fri 08:00-17:00, term time"    # default: the calendars' hours
/// ```
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ContactConfig {
    pub portal_url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub hours: Option<String>,
}

/// The `[mail]` table:
///
/// ```toml
/// [mail]
/// from = "St Bede's IT Support <it@trust.sch.uk>"
/// send_command = "sendmail -t -i"      # the default; or:
/// # outbox_dir = "/srv/deskside/outbox" # a maildir instead of a command
/// ```
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// The From of every outgoing message; its display name signs them.
    pub from: Option<String>,
    /// Program and arguments that read a message on standard input.
    pub send_command: Option<String>,
    /// A maildir to write outgoing messages into instead.
    pub outbox_dir: Option<PathBuf>,
    /// Where the static self-help site (`kb export --html`) is published,
    /// e.g. "https://help.trust.sch.uk/kb/": acknowledgements link its
    /// article pages when the portal has no base URL.
    pub site_url: Option<String>,
}

/// Where the database path came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSource {
    Flag,
    Env,
    ConfigFile(PathBuf),
    Default,
}

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "deskside")
}

/// The per-user config file (`~/.config/deskside/config.toml` on Linux).
pub fn user_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// The default database path (`~/.local/share/deskside/deskside.db` on Linux).
pub fn default_db_path() -> Result<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("deskside.db")).ok_or_else(|| {
        Error::runtime("cannot find a home directory for the default database: pass --db PATH")
    })
}

fn read_config(path: &Path) -> Result<Option<Config>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::runtime(format!("cannot read config file {}: {e}", path.display()))),
    };
    let cfg: Config = toml::from_str(&text).map_err(|e| {
        let msg = e.message().replace('\n', " ");
        Error::runtime(format!("config file {} is invalid: {msg}", path.display()))
    })?;
    Ok(Some(cfg))
}

/// The system config file (see `privilege::system_config_path`); in setgid
/// mode it must belong to root.
pub fn system_config() -> Result<PathBuf> {
    let path = privilege::system_config_path();
    if privilege::setgid_mode() {
        if let Some(why) = privilege::untrusted_config(&path) {
            return Err(Error::permission(format!(
                "{why}: deskside is installed setgid and trusts nothing else"
            )));
        }
    }
    Ok(path)
}

/// The config files to read, most specific first: the user's, then the
/// system's; only the system's in setgid mode.
fn config_files() -> Result<Vec<PathBuf>> {
    let system = system_config()?;
    if privilege::setgid_mode() {
        return Ok(vec![system]);
    }
    Ok(user_config_path().into_iter().chain([system]).collect())
}

/// The gateway accounts of the system config.
pub fn gateways() -> Result<Vec<String>> {
    let file = system_config()?;
    Ok(read_config(&file)?.and_then(|c| c.gateways).unwrap_or_default())
}

/// Resolves the database path from the flag, the environment and the config
/// files, in that order; in setgid mode from the system config only.
pub fn resolve_db(flag: Option<&Path>, env: Option<&Path>) -> Result<(PathBuf, DbSource)> {
    if privilege::setgid_mode() {
        if flag.is_some() {
            return Err(Error::invalid(
                "--db is not allowed: this deskside is installed setgid and uses only the database named in the system config",
            ));
        }
        let file = system_config()?;
        return match read_config(&file)? {
            Some(Config { db: Some(db), .. }) => Ok((db, DbSource::ConfigFile(file))),
            _ => Err(Error::runtime(format!(
                "this deskside is installed setgid but the system config {} names no database: an admin sets `db = \"/srv/deskside/desk.db\"` there",
                file.display()
            ))),
        };
    }
    resolve_db_unprivileged(flag, env)
}

fn resolve_db_unprivileged(flag: Option<&Path>, env: Option<&Path>) -> Result<(PathBuf, DbSource)> {
    if let Some(p) = flag {
        return Ok((p.to_path_buf(), DbSource::Flag));
    }
    if let Some(p) = env.filter(|p| !p.as_os_str().is_empty()) {
        return Ok((p.to_path_buf(), DbSource::Env));
    }
    for file in config_files()? {
        if let Some(Config { db: Some(db), .. }) = read_config(&file)? {
            return Ok((db, DbSource::ConfigFile(file)));
        }
    }
    Ok((default_db_path()?, DbSource::Default))
}

/// The `[mail]` table of the first config file that has one (the user's,
/// then the system's; only the system's in setgid mode), with the file it
/// came from.
pub fn resolve_mail() -> Result<Option<(MailConfig, PathBuf)>> {
    for file in config_files()? {
        if let Some(Config { mail: Some(mail), .. }) = read_config(&file)? {
            return Ok(Some((mail, file)));
        }
    }
    Ok(None)
}

/// The `[contact]` table of the first config file that has one (the
/// user's, then the system's; only the system's in setgid mode), with the
/// file it came from.
pub fn resolve_contact() -> Result<Option<(ContactConfig, PathBuf)>> {
    for file in config_files()? {
        if let Some(Config { contact: Some(contact), .. }) = read_config(&file)? {
            return Ok(Some((contact, file)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env() {
        let (p, src) = resolve_db(Some(Path::new("/a.db")), Some(Path::new("/b.db"))).unwrap();
        assert_eq!((p, src), (PathBuf::from("/a.db"), DbSource::Flag));
        let (p, src) = resolve_db(None, Some(Path::new("/b.db"))).unwrap();
        assert_eq!((p, src), (PathBuf::from("/b.db"), DbSource::Env));
    }

    #[test]
    fn config_file_is_parsed_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.toml");
        std::fs::write(&good, "db = \"/srv/deskside/desk.db\"\n").unwrap();
        assert_eq!(read_config(&good).unwrap().unwrap().db.unwrap(), PathBuf::from("/srv/deskside/desk.db"));
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "database = 3\n").unwrap();
        let err = read_config(&bad).unwrap_err().to_string();
        assert!(err.contains("bad.toml is invalid"), "{err}");
        assert!(!err.contains('\n'));
        assert!(read_config(&dir.path().join("missing.toml")).unwrap().is_none());
    }

    #[test]
    fn mail_table_sits_beside_db() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "db = \"/srv/d.db\"\n[mail]\nfrom = \"IT <it@x.sch.uk>\"\noutbox_dir = \"/srv/outbox\"\n",
        )
        .unwrap();
        let cfg = read_config(&file).unwrap().unwrap();
        assert_eq!(cfg.db.unwrap(), PathBuf::from("/srv/d.db"));
        let mail = cfg.mail.unwrap();
        assert_eq!(mail.from.as_deref(), Some("IT <it@x.sch.uk>"));
        assert_eq!(mail.outbox_dir, Some(PathBuf::from("/srv/outbox")));
        std::fs::write(&file, "[mail]\nfrm = \"x\"\n").unwrap();
        assert!(read_config(&file).unwrap_err().to_string().contains("frm"));
    }
}
