// podmeta: the command-line client. Subcommands mirror the API (see
// `podmeta --help`), one file per noun; output is a table for people or
// canonical protobuf JSON (`--output json`) for scripts; exit codes: 0 ok,
// 2 usage, 3 not found, 4 invalid input, 5 unavailable, 1 anything else.
#include <CLI/CLI.hpp>

#include "command.h"

namespace podmeta::cli {
namespace {

// A year: beyond it a deadline overflows the clock's arithmetic.
constexpr double kMaxTimeoutSeconds = 365.0 * 24 * 3600;

struct GlobalOptions {
  std::string server = "127.0.0.1:50051";
  std::string token;
  bool tls = false;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  std::string output = "table";
  Given<double> timeout_seconds{10};
};

void AddGlobalOptions(CLI::App& app, GlobalOptions& global) {
  app.add_option("--server", global.server, "Server address, HOST:PORT or unix:PATH")
      ->envname("PODMETA_SERVER")
      ->capture_default_str();
  app.add_option("--token", global.token, "Bearer token for writes")->envname("PODMETA_TOKEN");
  app.add_flag("--tls", global.tls, "Connect with TLS (system CA roots unless --tls-ca)")->envname("PODMETA_TLS");
  app.add_option("--tls-ca", global.tls_ca, "CA certificate (PEM) to verify the server with; implies --tls")
      ->envname("PODMETA_TLS_CA");
  app.add_option("--tls-cert", global.tls_cert, "Client certificate (PEM) for mutual TLS")->envname("PODMETA_TLS_CERT");
  app.add_option("--tls-key", global.tls_key, "Client private key (PEM) for mutual TLS")->envname("PODMETA_TLS_KEY");
  app.add_option("--output,-o", global.output, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  global.timeout_seconds.option =
      app.add_option("--timeout", global.timeout_seconds.value, "Seconds each call may take (import: 600 unless given)")
          ->check(CLI::Range(0.001, kMaxTimeoutSeconds))
          ->capture_default_str();
}

// The client the global options describe.
absl::StatusOr<ClientOptions> ClientOptionsOf(const GlobalOptions& global, const Command& chosen) {
  ClientOptions options;
  options.address = global.server;
  options.token = global.token;
  const double timeout_seconds = !global.timeout_seconds.given() && chosen.default_timeout_seconds
                                     ? *chosen.default_timeout_seconds
                                     : global.timeout_seconds.value;
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
  options.tls = global.tls || !global.tls_ca.empty();
  for (auto [path, pem] : {std::pair{&global.tls_ca, &options.tls_root_certs_pem},
                           std::pair{&global.tls_cert, &options.tls_cert_chain_pem},
                           std::pair{&global.tls_key, &options.tls_private_key_pem}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> content = ReadInput(*path);
    if (!content.ok()) return content.status();
    *pem = *std::move(content);
  }
  return options;
}

int Run(int argc, char** argv) {
  CLI::App app("podmeta: command-line client for the podmeta episode and chapter metadata service");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand too
  GlobalOptions global;
  AddGlobalOptions(app, global);
  Command chosen;
  AddImport(app, chosen);
  AddPodcasts(app, chosen);
  AddEpisodes(app, chosen);
  AddChapters(app, chosen);
  AddFeed(app, chosen);
  AddSearch(app, chosen);
  AddWatch(app, chosen);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitUsage;
  }
  absl::StatusOr<ClientOptions> options = ClientOptionsOf(global, chosen);
  if (!options.ok()) return ReportError(options.status());
  Client client(*options);
  Context context{client, global.output == "json" ? Format::kJson : Format::kTable};
  return chosen.run(context);
}

}  // namespace
}  // namespace podmeta::cli

int main(int argc, char** argv) { return podmeta::cli::Run(argc, argv); }
