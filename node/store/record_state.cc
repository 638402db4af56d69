#include "node/store/record_state.h"

#include <algorithm>

namespace pacto {
namespace {

bool IsTombstone(v1::Op::Kind kind) { return kind == v1::Op::DELETE || kind == v1::Op::ERASE; }

bool Supersedes(const v1::Op& op, const v1::Dot& dot) {
  for (const v1::Dot& s : op.supersedes()) {
    if (SameDot(s, dot)) return true;
  }
  return false;
}

bool Beats(const v1::Version& a, const v1::Version& b) {
  bool a_live = !IsTombstone(a.kind()), b_live = !IsTombstone(b.kind());
  if (a_live != b_live) return a_live;
  if (a.hlc() != b.hlc()) return a.hlc() > b.hlc();
  return DotLess(b.dot(), a.dot());
}

// History is kept in (timestamp, dot) order, whatever order writes arrived in, so
// that equal registries hold equal audit trails.
bool ChangeLess(const v1::Change& a, const v1::Change& b) {
  if (a.hlc() != b.hlc()) return a.hlc() < b.hlc();
  return DotLess(a.dot(), b.dot());
}

// A change already held for the same dot is kept, or replaced when `replace` (a
// second op of one entry on one record: the entry's last op is what it did).
void AddToHistory(v1::RecordState* state, v1::Change change, bool replace) {
  auto* history = state->mutable_history();
  for (v1::Change& c : *history) {
    if (!SameDot(c.dot(), change.dot())) continue;
    if (replace) c = std::move(change);
    return;
  }
  history->Add(std::move(change));
  for (int i = history->size() - 1; i > 0 && ChangeLess(history->Get(i), history->Get(i - 1));
       --i) {
    history->SwapElements(i, i - 1);
  }
}

}  // namespace

bool DotLess(const v1::Dot& a, const v1::Dot& b) {
  int c = a.origin().compare(b.origin());
  return c != 0 ? c < 0 : a.seq() < b.seq();
}

bool SameDot(const v1::Dot& a, const v1::Dot& b) {
  return a.seq() == b.seq() && a.origin() == b.origin();
}

MergeOutcome MergeOp(v1::RecordState* state, const v1::Op& op, const v1::Dot& dot, uint64_t hlc,
                     const std::string& principal) {
  MergeOutcome out;
  // A redacted PUT (its value was already superseded where it was shipped from) is
  // held as a tombstone until what superseded it arrives; the audit trail still says
  // PUT, as it does on every other node.
  v1::Op::Kind kind = op.kind();
  if (kind == v1::Op::PUT && op.redacted()) kind = v1::Op::DELETE;
  const bool erase_wins = op.type() != v1::RECORD_TYPE_PERSON;

  bool erased = false;
  for (const v1::Version& v : state->versions()) erased |= v.kind() == v1::Op::ERASE;

  v1::Change change;
  *change.mutable_dot() = dot;
  change.set_hlc(hlc);
  change.set_kind(op.kind());
  change.set_principal(principal);
  AddToHistory(state, std::move(change), /*replace=*/true);

  // An erased record stays erased: no write but another erasure touches it again,
  // whether it was concurrent with the erasure or written after it (ids are never
  // reused, so nothing legitimate writes there). This holds in any arrival order.
  if (erase_wins && erased && kind != v1::Op::ERASE) {
    out.dropped = true;
    return out;
  }

  auto* versions = state->mutable_versions();
  for (int i = 0; i < versions->size();) {
    const v1::Version& v = versions->Get(i);
    // Erasures of erase-wins records are never removed, so concurrent ones stay side by
    // side; an erasure removes every other version, seen or not. Otherwise a write
    // removes what it supersedes, and a second op of one entry on one record replaces
    // the first one's version.
    bool remove;
    if (erase_wins && v.kind() == v1::Op::ERASE) {
      remove = false;
    } else if (erase_wins && kind == v1::Op::ERASE) {
      remove = true;
    } else {
      remove = Supersedes(op, v.dot()) || SameDot(v.dot(), dot);
    }
    if (remove) {
      if (!SameDot(v.dot(), dot)) out.removed.push_back(v.dot());
      versions->DeleteSubrange(i, 1);
      out.changed = true;
      continue;
    }
    ++i;
  }

  v1::Version* added = state->add_versions();
  *added->mutable_dot() = dot;
  added->set_hlc(hlc);
  added->set_kind(kind);
  if (kind == v1::Op::PUT) added->set_value(op.value());
  out.changed = true;

  // Keep versions in dot order so equal states serialize alike.
  std::sort(versions->begin(), versions->end(),
            [](const v1::Version& a, const v1::Version& b) { return DotLess(a.dot(), b.dot()); });
  return out;
}

v1::RecordState MergeStates(const v1::RecordState& local, const v1::RecordState& remote,
                            const VersionVector& local_vv, const VersionVector& remote_vv,
                            v1::RecordType type) {
  const bool erase_wins = type != v1::RECORD_TYPE_PERSON;
  auto find = [](const v1::RecordState& state, const v1::Dot& dot) -> const v1::Version* {
    for (const v1::Version& v : state.versions()) {
      if (SameDot(v.dot(), dot)) return &v;
    }
    return nullptr;
  };
  auto permanent = [&](const v1::Version& v) { return erase_wins && v.kind() == v1::Op::ERASE; };
  v1::RecordState out;
  for (const v1::Version& v : local.versions()) {
    const v1::Version* theirs = find(remote, v.dot());
    if (theirs != nullptr) {
      // The same write on both sides; a value beats a placeholder shipped after the
      // sender had already replaced it.
      *out.add_versions() = IsTombstone(v.kind()) && !IsTombstone(theirs->kind()) ? *theirs : v;
    } else if (!remote_vv.Covers(v.dot()) || permanent(v)) {
      *out.add_versions() = v;
    }
  }
  for (const v1::Version& v : remote.versions()) {
    if (find(local, v.dot()) == nullptr && (!local_vv.Covers(v.dot()) || permanent(v))) {
      *out.add_versions() = v;
    }
  }
  bool erased = false;
  for (const v1::Version& v : out.versions()) erased |= permanent(v);
  if (erased) {
    auto* versions = out.mutable_versions();
    for (int i = 0; i < versions->size();) {
      if (!permanent(versions->Get(i))) {
        versions->DeleteSubrange(i, 1);
      } else {
        ++i;
      }
    }
  }
  std::sort(out.mutable_versions()->begin(), out.mutable_versions()->end(),
            [](const v1::Version& a, const v1::Version& b) { return DotLess(a.dot(), b.dot()); });
  *out.mutable_history() = local.history();
  for (const v1::Change& change : remote.history()) AddToHistory(&out, change, /*replace=*/false);
  return out;
}

const v1::Version* Winner(const v1::RecordState& state) {
  const v1::Version* best = nullptr;
  for (const v1::Version& v : state.versions()) {
    if (best == nullptr || Beats(v, *best)) best = &v;
  }
  return best;
}

bool IsLive(const v1::RecordState& state) {
  const v1::Version* w = Winner(state);
  return w != nullptr && !IsTombstone(w->kind());
}

}  // namespace pacto
