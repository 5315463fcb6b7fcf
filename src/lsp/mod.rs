//! `labelc lsp`: a Language Server Protocol server over standard input and
//! output, built on the compiler's own parser, resolver and checker.
//!
//! One file per feature: [`diagnostics`] (and their code actions), [`hover`],
//! [`navigation`] (definition, references), [`completion`], [`formatting`],
//! [`symbols`] (document outline) and [`rename`]; [`index`] finds the names
//! they all work on, [`position`] converts positions, [`workspace`] holds the
//! documents and runs the compilation, [`transport`] reads and writes the
//! JSON-RPC frames. The server is synchronous: it answers one message at a
//! time, in order, and recompiles after each change (re-parsing only the
//! files whose text changed).

pub mod completion;
pub mod diagnostics;
pub mod formatting;
pub mod hover;
pub mod index;
pub mod navigation;
pub mod position;
pub mod rename;
pub mod symbols;
pub mod transport;
pub mod workspace;

use std::io::{BufRead, Write};
use std::path::PathBuf;

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types as lt;
use serde_json::Value;

use workspace::Workspace;

/// What the server offers, as announced in the `initialize` answer.
pub fn capabilities() -> lt::ServerCapabilities {
    lt::ServerCapabilities {
        position_encoding: Some(lt::PositionEncodingKind::UTF16),
        text_document_sync: Some(lt::TextDocumentSyncCapability::Options(
            lt::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lt::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lt::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lt::OneOf::Left(true)),
        references_provider: Some(lt::OneOf::Left(true)),
        completion_provider: Some(lt::CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into(), "(".into()]),
            ..Default::default()
        }),
        document_formatting_provider: Some(lt::OneOf::Left(true)),
        document_symbol_provider: Some(lt::OneOf::Left(true)),
        rename_provider: Some(lt::OneOf::Right(lt::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(lt::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// A failed request: the JSON-RPC error code and a message for the user.
#[derive(Debug)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

type Answer = Result<Value, Failure>;

/// Runs the server on `input`/`output` until `exit` or the end of the input.
/// Returns whether the client asked to shut down first (the process exit
/// status the protocol wants: 0 if so, 1 if not).
pub fn serve(input: &mut impl BufRead, output: &mut impl Write, root: Option<PathBuf>) -> bool {
    let mut server = Server {
        workspace: None,
        root,
        shutdown: false,
    };
    loop {
        let message = match transport::read(input) {
            transport::Read::End => return server.shutdown,
            transport::Read::Broken { id, code, message } => {
                let _ = transport::write_error(output, id, code, &message);
                continue;
            }
            transport::Read::Message(message) => message,
        };
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    server.request(request)
                }))
                .unwrap_or_else(|_| {
                    Err(Failure::new(
                        ErrorCode::InternalError,
                        "labelc lsp hit an internal error answering this request; please report it with the input",
                    ))
                });
                let response = match answer {
                    Ok(result) => Response::new_ok(id, result),
                    Err(f) => Response::new_err(id, f.code as i32, f.message),
                };
                if transport::write(output, Message::Response(response)).is_err() {
                    return server.shutdown;
                }
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return server.shutdown;
                }
                let published = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    server.notification(notification)
                }))
                .unwrap_or_default();
                for message in published {
                    if transport::write(output, message).is_err() {
                        return server.shutdown;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
}

struct Server {
    workspace: Option<Workspace>,
    root: Option<PathBuf>,
    shutdown: bool,
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, Failure> {
    serde_json::from_value(value)
        .map_err(|e| Failure::new(ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

fn json(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value).map_err(|e| {
        Failure::new(
            ErrorCode::InternalError,
            format!("cannot encode the answer: {e}"),
        )
    })
}

impl Server {
    fn request(&mut self, request: Request) -> Answer {
        let Request {
            method, params: p, ..
        } = request;
        if method == "initialize" {
            if self.workspace.is_some() {
                return Err(Failure::new(
                    ErrorCode::InvalidRequest,
                    "the server is already initialized",
                ));
            }
            let init: lt::InitializeParams = params(p)?;
            let root = self.root.clone().or_else(|| workspace::root_of(&init));
            self.workspace = Some(Workspace::new(root));
            return json(lt::InitializeResult {
                capabilities: capabilities(),
                server_info: Some(lt::ServerInfo {
                    name: "labelc".into(),
                    version: Some(env!("CARGO_PKG_VERSION").into()),
                }),
            });
        }
        let Some(ws) = self.workspace.as_mut() else {
            return Err(Failure::new(
                ErrorCode::ServerNotInitialized,
                "send `initialize` first",
            ));
        };
        if method == "shutdown" {
            self.shutdown = true;
            return Ok(Value::Null);
        }
        let analysis = ws.analysis();
        match method.as_str() {
            "textDocument/hover" => json(hover::hover(analysis, &params(p)?)),
            "textDocument/definition" => json(navigation::definition(analysis, &params(p)?)),
            "textDocument/references" => json(navigation::references(analysis, &params(p)?)),
            "textDocument/completion" => json(completion::complete(analysis, &params(p)?)),
            "textDocument/formatting" => json(formatting::format(analysis, &params(p)?)?),
            "textDocument/documentSymbol" => json(symbols::document_symbols(analysis, &params(p)?)),
            "textDocument/prepareRename" => json(rename::prepare(analysis, &params(p)?)?),
            "textDocument/rename" => json(rename::rename(analysis, &params(p)?)?),
            "textDocument/codeAction" => json(diagnostics::code_actions(analysis, &params(p)?)),
            _ => Err(Failure::new(
                ErrorCode::MethodNotFound,
                format!("labelc lsp does not handle `{method}`"),
            )),
        }
    }

    /// Handles a notification; returns the messages to send (diagnostics).
    fn notification(&mut self, notification: Notification) -> Vec<Message> {
        let Some(ws) = self.workspace.as_mut() else {
            return Vec::new();
        };
        let Notification { method, params: p } = notification;
        let changed = match method.as_str() {
            "textDocument/didOpen" => params::<lt::DidOpenTextDocumentParams>(p)
                .map(|p| ws.open(p.text_document.uri.as_str(), p.text_document.text))
                .is_ok(),
            "textDocument/didChange" => params::<lt::DidChangeTextDocumentParams>(p)
                .map(|p| ws.change(p.text_document.uri.as_str(), &p.content_changes))
                .is_ok(),
            "textDocument/didClose" => params::<lt::DidCloseTextDocumentParams>(p)
                .map(|p| ws.close(p.text_document.uri.as_str()))
                .is_ok(),
            // The files on disk get their diagnostics as soon as the session starts.
            "initialized" => true,
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
                ws.reload_disk();
                true
            }
            _ => false,
        };
        if changed {
            diagnostics::publish(ws)
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(value: &Value) -> String {
        let body = value.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// The JSON bodies of the frames the server wrote.
    fn bodies(output: &[u8]) -> Vec<Value> {
        let mut reader = std::io::Cursor::new(output.to_vec());
        let mut out = Vec::new();
        while let transport::Read::Message(m) = transport::read(&mut reader) {
            out.push(serde_json::to_value(&m).unwrap());
        }
        out
    }

    fn session(root: &std::path::Path, messages: &[Value]) -> (bool, Vec<Value>) {
        let input: String = messages.iter().map(frame).collect();
        let mut output = Vec::new();
        let clean = serve(
            &mut std::io::Cursor::new(input.into_bytes()),
            &mut output,
            Some(root.to_path_buf()),
        );
        (clean, bodies(&output))
    }

    fn diagnostics_of<'a>(out: &'a [Value], uri: &str) -> Option<&'a Vec<Value>> {
        out.iter()
            .rev()
            .filter(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
            })
            .find_map(|m| m["params"]["diagnostics"].as_array())
    }

    #[test]
    fn an_open_buffer_takes_precedence_over_the_file_on_disk() {
        let dir = std::env::temp_dir().join(format!("labelc-lsp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.policy");
        // On disk: a fact nobody reads (a warning).
        std::fs::write(&file, "fact a.b: bool\n").unwrap();
        let uri = position::path_to_uri(&file);
        let init = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});
        let initialized =
            serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}});
        let open = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "labelc", "version": 1, "text": "fact a.b: bool {\n"}}});
        let shutdown = serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"});
        let exit = serde_json::json!({"jsonrpc": "2.0", "method": "exit"});
        let (clean, out) = session(
            &dir,
            &[
                init.clone(),
                initialized.clone(),
                shutdown.clone(),
                exit.clone(),
            ],
        );
        assert!(clean);
        let on_disk = diagnostics_of(&out, &uri).unwrap();
        assert_eq!(on_disk.len(), 1);
        assert_eq!(on_disk[0]["code"], "labelc::check::unused_fact");
        // The buffer's syntax error replaces what the file on disk says.
        let (_, out) = session(&dir, &[init, initialized, open, shutdown, exit]);
        let open_codes: Vec<&Value> = diagnostics_of(&out, &uri)
            .unwrap()
            .iter()
            .map(|d| &d["code"])
            .collect();
        assert_eq!(open_codes, ["labelc::syntax::unexpected"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn requests_before_initialize_and_without_shutdown_are_refused() {
        let hover = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///x.policy"}, "position": {"line": 0, "character": 0}}});
        let (clean, out) = session(std::path::Path::new("/nonexistent"), &[hover]);
        assert!(!clean, "the input ended without shutdown");
        assert_eq!(
            out[0]["error"]["code"],
            ErrorCode::ServerNotInitialized as i32
        );
    }
}
