// Who a registry read or write is made for, and how far their person-level data reach
// (DESIGN §6): a region subtree, or everything (development mode, tools and tests).
// The RPC handlers build one from the authenticated principal; the registry filters
// person-linked answers with it (person_scope.h).
#ifndef PACTO_NODE_REGISTRY_CALLER_H_
#define PACTO_NODE_REGISTRY_CALLER_H_

#include <optional>
#include <string>
#include <utility>

namespace pacto {

struct Caller {
  // What the audit trail records as the writer.
  std::string principal;
  // The root of the region subtree the caller covers; nullopt: every region.
  std::optional<std::string> region;

  static Caller Everything(std::string principal) { return Caller{std::move(principal), {}}; }
  static Caller Within(std::string principal, std::string region) {
    return Caller{std::move(principal), std::move(region)};
  }
};

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_CALLER_H_
