#include "node/reports/tree.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/domain/levels.h"
#include "node/store/keys.h"
#include "node/store/record_io.h"
#include "node/store/tallies.h"

namespace pacto {
namespace {

struct Node {
  v1::Chapter chapter;
  std::string parent;
  std::vector<std::string> children;
  uint32_t memberships = 0;
  uint32_t subtree_memberships = 0;
  uint32_t subtree_chapters = 0;
};

// Decodes the winning value of every live record of `type`.
template <typename T>
absl::Status ScanLive(const ReadView& view, v1::RecordType type,
                      const std::function<void(const std::string&, T&)>& fn) {
  absl::Status bad;
  PACTO_RETURN_IF_ERROR(
      view.Scan(view.db().records(), RecordTypePrefix(type), "",
                [&](absl::string_view id, absl::string_view value) {
                  v1::RecordState state;
                  if (!state.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                    bad = absl::DataLossError("malformed record");
                    return false;
                  }
                  T record;
                  absl::StatusOr<bool> live = DecodeWinner(state, &record);
                  if (!live.ok()) {
                    bad = live.status();
                    return false;
                  }
                  if (*live) fn(std::string(id), record);
                  return true;
                }));
  return bad;
}

}  // namespace

absl::Status BuildTree(const ReportContext& ctx, const v1::TreeRequest& request,
                       const std::function<bool(const v1::TreeResponse&)>& emit, int chunk_rows) {
  if (request.depth() < 0) return absl::InvalidArgumentError("depth: must not be negative");
  ReadView view(ctx.db);
  v1::TreeResponse chunk;
  PACTO_ASSIGN_OR_RETURN(*chunk.mutable_header(), BuildHeader(ctx, view, request.stale_after()));

  std::unordered_map<std::string, Node> nodes;
  PACTO_RETURN_IF_ERROR(ScanLive<v1::Chapter>(
      view, v1::RECORD_TYPE_CHAPTER,
      [&](const std::string& id, v1::Chapter& c) { nodes[id].chapter = std::move(c); }));
  PACTO_RETURN_IF_ERROR(ScanLive<v1::Affiliation>(
      view, v1::RECORD_TYPE_AFFILIATION, [&](const std::string& id, v1::Affiliation& a) {
        auto child = nodes.find(id);
        if (child == nodes.end() || a.status() != "active" || a.parent() == id) return;
        if (nodes.count(a.parent()) == 0) return;
        child->second.parent = a.parent();
      }));
  PACTO_RETURN_IF_ERROR(
      view.Scan(ctx.db->tallies(), "c", "", [&](absl::string_view id, absl::string_view value) {
        auto it = nodes.find(std::string(id));
        v1::ChapterTally tally;
        if (it != nodes.end() &&
            tally.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          it->second.memberships = tally.active_memberships();
        }
        return true;
      }));
  for (auto& [id, node] : nodes) {
    if (!node.parent.empty()) nodes[node.parent].children.push_back(id);
  }
  auto by_name = [&](const std::string& a, const std::string& b) {
    const Node& x = nodes[a];
    const Node& y = nodes[b];
    return std::tie(x.chapter.name(), a) < std::tie(y.chapter.name(), b);
  };
  for (auto& [id, node] : nodes) std::sort(node.children.begin(), node.children.end(), by_name);

  // Roots: the one asked for, or every pact and then every top of a broken chain.
  std::vector<std::string> pacts, broken_tops;
  if (!request.root().empty()) {
    if (nodes.count(request.root()) == 0) {
      return absl::NotFoundError(absl::StrCat("root: no chapter '", request.root(), "'"));
    }
  } else {
    for (const auto& [id, node] : nodes) {
      if (!node.parent.empty()) continue;
      (node.chapter.level() == kPactLevel ? pacts : broken_tops).push_back(id);
    }
    std::sort(pacts.begin(), pacts.end(), by_name);
    std::sort(broken_tops.begin(), broken_tops.end(), by_name);
  }

  // Subtree sums, children before parents; `seen` cuts any cycle a merge could make.
  std::set<std::string> summed;
  std::function<void(const std::string&)> sum = [&](const std::string& id) {
    if (!summed.insert(id).second) return;
    Node& node = nodes[id];
    node.subtree_memberships = node.memberships;
    node.subtree_chapters = 1;
    for (const std::string& child : node.children) {
      sum(child);
      node.subtree_memberships += nodes[child].subtree_memberships;
      node.subtree_chapters += nodes[child].subtree_chapters;
    }
  };

  // A chapter is broken unless its chain reaches a pact.
  std::set<std::string> reaches_pact;
  std::function<void(const std::string&)> mark = [&](const std::string& id) {
    if (!reaches_pact.insert(id).second) return;
    for (const std::string& child : nodes[id].children) mark(child);
  };
  for (const auto& [id, node] : nodes) {
    if (node.parent.empty() && node.chapter.level() == kPactLevel) mark(id);
  }

  int rows = 0;
  bool gone = false;
  std::set<std::string> emitted;
  std::function<void(const std::string&, uint32_t)> visit = [&](const std::string& id,
                                                                uint32_t depth) {
    if (gone || !emitted.insert(id).second) return;
    if (request.depth() > 0 && depth > static_cast<uint32_t>(request.depth())) return;
    const Node& node = nodes[id];
    v1::TreeRow* row = chunk.add_rows();
    row->set_id(id);
    row->set_name(node.chapter.name());
    row->set_level(node.chapter.level());
    row->set_region(node.chapter.region());
    row->set_parent(node.parent);
    row->set_depth(depth);
    row->set_active_memberships(node.memberships);
    row->set_subtree_active_memberships(node.subtree_memberships);
    row->set_subtree_chapters(node.subtree_chapters);
    row->set_broken(reaches_pact.count(id) == 0);
    if (++rows % chunk_rows == 0) {
      gone = !emit(chunk);
      chunk.Clear();
    }
    for (const std::string& child : node.children) visit(child, depth + 1);
  };
  // Every chapter under a listed root, however deep: what the depth limit leaves out
  // is still placed, and must not come back as a root of its own.
  std::set<std::string> reached;
  std::function<void(const std::string&)> reach = [&](const std::string& id) {
    if (!reached.insert(id).second) return;
    for (const std::string& child : nodes[id].children) reach(child);
  };
  std::vector<std::string> roots;
  if (!request.root().empty()) {
    roots.push_back(request.root());
  } else {
    roots = pacts;
    roots.insert(roots.end(), broken_tops.begin(), broken_tops.end());
    // Chapters caught in a cycle have no top; list them as well.
    for (const auto& [id, node] : nodes) {
      (void)node;
      sum(id);
    }
  }
  for (const std::string& root : roots) {
    sum(root);
    reach(root);
    visit(root, 0);
  }
  if (request.root().empty()) {
    // Only a cycle (which no single node lets anyone write) leaves chapters unreached.
    std::vector<std::string> rest;
    for (const auto& [id, node] : nodes) {
      if (reached.count(id) == 0) rest.push_back(id);
    }
    std::sort(rest.begin(), rest.end(), by_name);
    for (const std::string& id : rest) {
      if (reached.count(id) > 0) continue;
      reach(id);
      visit(id, 0);
    }
  }
  if (gone) return absl::CancelledError("the caller went away");
  if (chunk.rows_size() > 0 || chunk.has_header()) {
    if (!emit(chunk)) return absl::CancelledError("the caller went away");
  }
  return absl::OkStatus();
}

}  // namespace pacto
