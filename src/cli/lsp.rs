//! `labelc lsp`: the language server, on standard input and output.

use std::path::PathBuf;

use super::Exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Speaks the Language Server Protocol (JSON-RPC over stdin/stdout) to an editor:
diagnostics as you type, hover, go to definition, find references, completion,
formatting, document symbols, rename and quick fixes. The workspace is every
`*.policy` file under the root (one compilation, as `labelc check ROOT`), with
the editor's open buffers taking precedence over the files on disk.
Set-up for VS Code, Neovim, Helix and Emacs: docs/editors.md.

Exit status: 0 after the client's `shutdown` and `exit`, 1 when the input ends
or `exit` comes without `shutdown` (as the protocol asks).")]
pub struct Args {
    /// The workspace root; by default the one the client names in `initialize`
    /// (its first workspace folder, else its root URI).
    #[arg(long)]
    pub root: Option<PathBuf>,
}

pub fn run(args: &Args) -> Exit {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let root = args
        .root
        .as_ref()
        .map(|r| std::path::absolute(r).unwrap_or_else(|_| r.clone()));
    if crate::lsp::serve(&mut stdin.lock(), &mut stdout.lock(), root) {
        Exit::Success
    } else {
        Exit::Failure
    }
}
