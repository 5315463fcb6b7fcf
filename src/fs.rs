//! The file system at the library's edge: the policy files that command-line
//! paths stand for ([`load_policies`], [`policy_paths`]) and atomic writes of
//! results ([`write_atomically`]). The CLI prints what these return; nothing
//! here prints.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::source::{PolicyWalk, SourceMap, read_limited, recorded_path};

/// Why the paths given to a command could not be read (exit 2 in the CLI).
#[derive(Debug)]
pub enum LoadError {
    /// `-` (standard input) named more than once: `labelc check - -`
    StdinTwice,
    /// A path that does not exist: `labelc check polcies/`
    Missing { path: PathBuf },
    /// A directory with no `*.policy` file below it
    NoPolicyFiles { path: PathBuf },
    /// A path (`None`: standard input) that exists but cannot be read
    Unreadable {
        path: Option<PathBuf>,
        error: std::io::Error,
    },
}

impl LoadError {
    /// The stable code of this error (docs/language.md, "Runtime errors").
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::StdinTwice => "labelc::source::stdin_twice",
            LoadError::Missing { .. } => "labelc::source::missing_path",
            LoadError::NoPolicyFiles { .. } => "labelc::source::no_policy_files",
            LoadError::Unreadable { .. } => "labelc::source::unreadable",
        }
    }

    fn unreadable(path: Option<&Path>, error: std::io::Error) -> LoadError {
        LoadError::Unreadable {
            path: path.map(Path::to_path_buf),
            error,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::StdinTwice => f.write_str("`-` (standard input) is given more than once"),
            LoadError::Missing { path } => write!(f, "`{}` does not exist", path.display()),
            LoadError::NoPolicyFiles { path } => {
                write!(f, "`{}` holds no `*.policy` files", path.display())
            }
            LoadError::Unreadable { path: None, error } => {
                write!(f, "cannot read standard input: {error}")
            }
            LoadError::Unreadable {
                path: Some(path),
                error,
            } => write!(f, "cannot read `{}`: {error}", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// The policy files one command-line path (not `-`) stands for, by the rules
/// of [`PolicyWalk`]; each entry the walk skipped goes to `warn`.
fn collect_path(
    walk: &mut PolicyWalk,
    path: &Path,
    warn: &mut dyn FnMut(&str),
) -> Result<Vec<PathBuf>, LoadError> {
    if !path.exists() {
        return Err(LoadError::Missing {
            path: path.to_path_buf(),
        });
    }
    let found = walk.collect(path);
    for skipped in walk.skipped.drain(..) {
        warn(&skipped);
    }
    let found = found.map_err(|e| LoadError::unreadable(Some(path), e))?;
    if walk.met == 0 {
        return Err(LoadError::NoPolicyFiles {
            path: path.to_path_buf(),
        });
    }
    Ok(found)
}

/// Reads the given paths (files, directories of `*.policy`, `-` for standard
/// input, read once at most) into a source map, in the order given. Files
/// that are not UTF-8 or too large come back as diagnostics, not errors.
/// Diagnostics name each file as given; the rule set records its path
/// relative to the argument that named it ([`recorded_path`]). Each entry a
/// directory walk skipped (a FIFO, a broken link) goes to `warn`.
pub fn load_policies(
    paths: &[PathBuf],
    warn: &mut dyn FnMut(&str),
) -> Result<(SourceMap, Vec<Diagnostic>), LoadError> {
    let mut sources = SourceMap::new();
    let mut early = Vec::new();
    let mut stdin_read = false;
    let mut walk = PolicyWalk::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                return Err(LoadError::StdinTwice);
            }
            stdin_read = true;
            let read = read_limited(None).map_err(|e| LoadError::unreadable(None, e))?;
            let (_, diag) = sources.add_read("<stdin>", read);
            early.extend(diag);
            continue;
        }
        for file in collect_path(&mut walk, path, warn)? {
            let read =
                read_limited(Some(&file)).map_err(|e| LoadError::unreadable(Some(&file), e))?;
            let (id, diag) = sources.add_read(file.display().to_string(), read);
            sources.set_path(id, recorded_path(path, &file));
            early.extend(diag);
        }
    }
    Ok((sources, early))
}

/// What command-line paths stand for, unread: whether `-` (standard input)
/// was given, and the policy files of the other paths, in order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PolicyPaths {
    pub stdin: bool,
    pub files: Vec<PathBuf>,
}

/// The inputs `paths` stand for, by the rules of [`load_policies`], without
/// reading them (`labelc fmt` reads and rewrites one file at a time).
pub fn policy_paths(
    paths: &[PathBuf],
    warn: &mut dyn FnMut(&str),
) -> Result<PolicyPaths, LoadError> {
    let mut out = PolicyPaths::default();
    let mut walk = PolicyWalk::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if out.stdin {
                return Err(LoadError::StdinTwice);
            }
            out.stdin = true;
            continue;
        }
        out.files.extend(collect_path(&mut walk, path, warn)?);
    }
    Ok(out)
}

/// Temporary files older than this, of [`write_atomically`]'s naming, are
/// left over from a killed run and removed by the next write to that file.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Writes `bytes` to `path` atomically: into a temporary file in the same
/// directory (`.NAME.labelc-RANDOM.tmp`, an unpredictable name created
/// exclusively), synced, then renamed over `path`. An interrupted run leaves
/// `path` as it was. A symbolic link is written through (the file it points
/// to is replaced, the link kept); an existing file keeps its permissions;
/// temporary files of this naming (or the older `.NAME.PID.tmp`) left for
/// more than ten minutes by a killed run are removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temps(&dir, &name);
    let prefix = format!(".{name}.labelc-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    let existing = std::fs::metadata(&target).ok().map(|m| m.permissions());
    #[cfg(unix)]
    if existing.is_none() {
        // A new file gets the usual mode (0666 less the umask), not tempfile's 0600.
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(&dir)?;
    temp.write_all(bytes)?;
    if let Some(permissions) = existing {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.as_file().sync_all()?;
    // On failure the temporary file is removed when `temp` is dropped.
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Removes `dir/.NAME.labelc-*.tmp` and `dir/.NAME.DIGITS.tmp` files older
/// than [`STALE_TEMP`]: what a run of labelc killed while writing `NAME`
/// left behind. Failures are ignored: this is tidying, not the write.
fn remove_stale_temps(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|n| n.strip_suffix(".tmp"))
        else {
            continue;
        };
        let ours = rest.strip_prefix("labelc-").is_some_and(|r| !r.is_empty())
            || (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()));
        let stale = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP);
        if ours && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every policy the tests make sits in its own temporary directory.
    fn dir_with(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in files {
            std::fs::write(dir.path().join(name), "// a policy\n").unwrap();
        }
        dir
    }

    #[test]
    fn policy_paths_takes_stdin_once_and_the_policies_below_a_directory_in_order() {
        let dir = dir_with(&["b.policy", "a.policy", "notes.txt"]);
        let paths = vec![PathBuf::from("-"), dir.path().to_path_buf()];
        let found = policy_paths(&paths, &mut |_| ()).unwrap();
        assert!(found.stdin);
        assert_eq!(
            found.files,
            vec![dir.path().join("a.policy"), dir.path().join("b.policy")]
        );
    }

    #[test]
    fn load_errors_carry_their_code_and_the_message_the_cli_prints() {
        let empty = dir_with(&["notes.txt"]);
        let missing = empty.path().join("nope");
        let cases: Vec<(Vec<PathBuf>, &str, String)> = vec![
            (
                vec![PathBuf::from("-"), PathBuf::from("-")],
                "labelc::source::stdin_twice",
                "`-` (standard input) is given more than once".to_string(),
            ),
            (
                vec![missing.clone()],
                "labelc::source::missing_path",
                format!("`{}` does not exist", missing.display()),
            ),
            (
                vec![empty.path().to_path_buf()],
                "labelc::source::no_policy_files",
                format!("`{}` holds no `*.policy` files", empty.path().display()),
            ),
        ];
        for (paths, code, message) in cases {
            // `policy_paths` finds the error before reading anything, as `load_policies` does.
            let err = policy_paths(&paths, &mut |_| ()).unwrap_err();
            assert_eq!((err.code(), err.to_string()), (code, message.clone()));
            if paths.iter().all(|p| p.as_os_str() != "-") {
                let err = load_policies(&paths, &mut |_| ()).unwrap_err();
                assert_eq!((err.code(), err.to_string()), (code, message));
            }
        }
    }

    #[test]
    fn load_policies_records_paths_relative_to_the_argument() {
        let dir = dir_with(&["x.policy"]);
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/y.policy"), "// y\n").unwrap();
        let (sources, early) = load_policies(&[dir.path().to_path_buf()], &mut |_| ()).unwrap();
        assert!(early.is_empty());
        let recorded: Vec<&str> = sources.iter().map(|(_, f)| f.path.as_str()).collect();
        assert_eq!(recorded, ["sub/y.policy", "x.policy"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_skipped_entry_goes_to_the_warning_callback() {
        let dir = dir_with(&["a.policy"]);
        std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("broken.policy"))
            .unwrap();
        let mut warnings = Vec::new();
        let found = policy_paths(&[dir.path().to_path_buf()], &mut |w| {
            warnings.push(w.to_string());
        })
        .unwrap();
        assert_eq!(found.files, vec![dir.path().join("a.policy")]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("broken.policy"), "{warnings:?}");
    }

    #[test]
    fn write_atomically_replaces_the_file_and_leaves_no_temporary() {
        let dir = dir_with(&["out.json"]);
        let path = dir.path().join("out.json");
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }
}
