//! File modes for a database shared by a group of technicians.
//!
//! A new database file is created 0660 whatever the umask: group members can
//! write it, other accounts on the box cannot even read it. Its group is left
//! to the kernel, so a setgid directory (`install -d -m 2770 -g deskside`)
//! hands its group down. SQLite creates `-wal` and `-shm` with the mode of the
//! database file, so they follow.

use crate::{Error, Result};
use std::fs::{OpenOptions, Permissions};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Mode of every database file deskside creates.
pub const DB_MODE: u32 = 0o660;

/// Creates an empty database file with `DB_MODE`; refuses if it exists.
pub fn create_file(path: &Path) -> Result<()> {
    let shown = path.display();
    let file = OpenOptions::new().write(true).create_new(true).mode(DB_MODE).open(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::PermissionDenied => {
                "permission denied (a shared database needs group write access to its directory)".into()
            }
            std::io::ErrorKind::AlreadyExists => "it already exists".into(),
            _ => e.to_string(),
        };
        Error::runtime(format!("cannot create database {shown}: {why}"))
    })?;
    // The umask may have taken group bits away: put them back explicitly.
    file.set_permissions(Permissions::from_mode(DB_MODE))
        .map_err(|e| Error::runtime(format!("cannot set the mode of database {shown}: {e}")))?;
    Ok(())
}
