// An in-process replication transport for deterministic tests: node addresses map to
// their ReplicationEndpoints, which it calls synchronously on the caller's thread (it
// has no threads of its own), so a test that runs every session itself replays
// exactly from its seed.
//
// Faults, every one drawn from the test's RNG at a fixed point of the call sequence:
//   - a cut link (either direction) or a detached node: calls fail UNAVAILABLE;
//   - a pull or snapshot stream breaks after k messages (UNAVAILABLE);
//   - a batch message is delivered twice;
//   - two batch messages are delivered swapped, but only when the receiver can tell:
//     the later one begins with an entry of an origin the earlier one carries, so the
//     receiver's apply path must refuse it (FAILED_PRECONDITION) and the session
//     fails. (A real stream never reorders; a swap the receiver cannot detect would
//     test the transport, not the node.)
// Every message's serialized bytes are counted per direction of each link, requests
// included, so tests can assert what a sync costs on the wire.
//
// Memory stays bounded on big transfers: a stream holds at most kWindow messages;
// when they are consumed the endpoint is run again from the start with the same
// request and the messages already delivered are skipped (in a single-threaded test
// the callee's state cannot change in between, so the stream is the same one).
//
// Thread-safe, though meant for one test thread; endpoints are called without the
// lock held. Endpoints and the RNG must outlive the transport and its streams.
#ifndef PACTO_TESTS_SUPPORT_SIM_TRANSPORT_H_
#define PACTO_TESTS_SUPPORT_SIM_TRANSPORT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "node/replication/endpoint.h"
#include "node/replication/transport.h"

namespace pacto {

class SimTransport : public Transport {
 public:
  // Messages a stream buffers before it runs the endpoint again.
  static constexpr size_t kWindow = 16;

  struct Faults {
    double break_probability = 0;      // per stream: it breaks after a random count
    double duplicate_probability = 0;  // per batch message
    double swap_probability = 0;       // per batch message, when detectable
  };

  struct Stats {
    uint64_t calls = 0;
    uint64_t refused = 0;  // cut link or detached node
    uint64_t breaks = 0;
    uint64_t duplicates = 0;
    uint64_t swaps = 0;
    uint64_t messages = 0;
  };

  // Every fault is drawn from `rng`, which the test owns.
  explicit SimTransport(std::mt19937_64* rng) : rng_(rng) {}

  // Calls to `address` reach `endpoint` from now on (it replaces any earlier one).
  void Attach(const std::string& address, ReplicationEndpoint* endpoint);
  // The node at `address` is down: calls to it fail UNAVAILABLE.
  void Detach(const std::string& address);

  // Cuts or heals the link between two addresses, both directions.
  void Cut(const std::string& a, const std::string& b);
  void Heal(const std::string& a, const std::string& b);
  void HealAll();
  bool IsCut(const std::string& a, const std::string& b) const;

  void SetFaults(const Faults& faults);
  // The next pull or snapshot stream breaks after `messages` messages, whatever the
  // faults: for tests that need one interruption at one exact point.
  void BreakNextStreamAfter(uint64_t messages);

  // Serialized bytes that went from `from` to `to` (requests and responses).
  uint64_t BytesSent(const std::string& from, const std::string& to) const;
  // Both directions between `a` and `b`.
  uint64_t BytesBetween(const std::string& a, const std::string& b) const;
  uint64_t TotalBytes() const;
  void ResetBytes();
  Stats stats() const;

  std::unique_ptr<Incoming<v1::PullResponse>> Pull(const std::string& address,
                                                   const v1::PullRequest& request) override;
  std::unique_ptr<Incoming<v1::SnapshotChunk>> Snapshot(
      const std::string& address, const v1::SnapshotRequest& request) override;
  absl::Status Notify(const std::string& address, const v1::NotifyRequest& request) override;

  // --- used by the streams ---
  // A uniform draw in [0, 1) from the test's RNG.
  double Draw();
  // A uniform draw in [0, n).
  uint64_t DrawBelow(uint64_t n);
  void CountBytes(const std::string& from, const std::string& to, uint64_t bytes);
  void CountFault(uint64_t Stats::*counter);
  Faults faults() const;
  // The forced break set by BreakNextStreamAfter, taken by the next stream.
  std::optional<uint64_t> TakeForcedBreak();

 private:
  // The endpoint for a call from `caller` to `address`, or null (with the reason) when
  // the link is cut or the node is down. Counts the request's bytes when it goes out.
  ReplicationEndpoint* Route(const std::string& caller, const std::string& address,
                             uint64_t request_bytes, absl::Status* refused);

  static std::pair<std::string, std::string> LinkKey(const std::string& a, const std::string& b);

  std::mt19937_64* const rng_;
  mutable absl::Mutex mu_;
  std::map<std::string, ReplicationEndpoint*> endpoints_ ABSL_GUARDED_BY(mu_);
  std::set<std::pair<std::string, std::string>> cut_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, uint64_t> bytes_ ABSL_GUARDED_BY(mu_);
  Faults faults_ ABSL_GUARDED_BY(mu_);
  std::optional<uint64_t> forced_break_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pacto

#endif  // PACTO_TESTS_SUPPORT_SIM_TRANSPORT_H_
