#include "tests/support/http_get.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pacto {

HttpResponse HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return HttpResponse();
  timeval timeout{.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  std::string raw;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\n\r\n");
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof(buffer))) > 0) raw.append(buffer, n);
    }
  }
  close(fd);
  HttpResponse response;
  const size_t body_at = raw.find("\r\n\r\n");
  std::vector<std::string> status_line = absl::StrSplit(raw.substr(0, raw.find("\r\n")), ' ');
  if (body_at == std::string::npos || status_line.size() < 2 ||
      !absl::SimpleAtoi(status_line[1], &response.status)) {
    return HttpResponse();
  }
  response.body = raw.substr(body_at + 4);
  return response;
}

double MetricValue(const std::string& page, const std::string& series) {
  const std::string line_start = "\n" + series + " ";
  const std::string text = "\n" + page;
  const size_t at = text.find(line_start);
  if (at == std::string::npos) return 0;
  return std::strtod(text.c_str() + at + line_start.size(), nullptr);
}

}  // namespace pacto
