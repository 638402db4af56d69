#include "tests/bench/bench_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pacto::bench {

std::unique_ptr<Client> ConnectOwn(const std::string& address) {
  ClientOptions options;
  options.address = address;
  options.own_connection = true;
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
  if (!client.ok()) {
    std::cerr << "connect: " << client.status() << "\n";
    std::exit(1);
  }
  return *std::move(client);
}

std::vector<std::string> BuildFederation(const Client& client, int sindicatos) {
  auto must = [](const auto& result, const char* what) {
    if (!result.ok()) {
      std::cerr << what << ": " << result.status() << "\n";
      std::exit(1);
    }
    return *result;
  };
  v1::AddRegionRequest region;
  region.mutable_region()->set_code("BO");
  region.mutable_region()->set_name("Bolivia");
  must(client.AddRegion(region), "add region");
  v1::AddChapterRequest pact;
  pact.set_name("Pacto de Unidad");
  pact.set_level("pact");
  pact.set_region("BO");
  const std::string pact_id = must(client.AddChapter(pact), "add pact").id();
  std::vector<std::string> ids;
  for (int i = 0; i < sindicatos; ++i) {
    v1::AddChapterRequest s;
    s.set_name(absl::StrCat("Sindicato Agrario ", i));
    s.set_level("sindicato");
    s.set_region("BO");
    s.set_parent(pact_id);
    ids.push_back(must(client.AddChapter(s), "add sindicato").id());
  }
  return ids;
}

double RssMiB(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      double kb = 0;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      if (absl::SimpleAtod(digits, &kb)) return kb / 1024.0;
    }
  }
  return 0;
}

uint64_t DirectoryBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

double Percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t i = std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()));
  return samples[i];
}

void Row(const std::vector<std::string>& cells) {
  std::cout << "| " << absl::StrJoin(cells, " | ") << " |" << std::endl;
}

std::string Flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
    if (arg == "--" + name && i + 1 < argc) return argv[i + 1];
  }
  return fallback;
}

}  // namespace pacto::bench
