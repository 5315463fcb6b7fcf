// The VS Code client of `labelc lsp`: starts the server over stdio for the
// `labelc` language (*.policy files). The binary is `labelc.server.path`.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("labelc").get("server.path", "labelc");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "labelc",
    "labelc language server",
    { run: server, debug: server },
    {
      documentSelector: [{ language: "labelc" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.policy"),
      },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
