// Implementation of Await (registry.h). Not for direct inclusion.
#ifndef PACTO_NODE_REGISTRY_AWAIT_IMPL_H_
#define PACTO_NODE_REGISTRY_AWAIT_IMPL_H_

#include "absl/synchronization/notification.h"

namespace pacto {

template <typename Response, typename Fn>
absl::StatusOr<Response> Await(Fn fn) {
  Response out;
  absl::Notification finished;
  absl::Status status;
  fn(&out, [&](absl::Status s) {
    status = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  if (!status.ok()) return status;
  return out;
}

}  // namespace pacto

#endif  // PACTO_NODE_REGISTRY_AWAIT_IMPL_H_
