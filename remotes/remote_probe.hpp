#pragma once
// `mlops doctor`'s check of one remote, step by step, each step only when
// the previous one worked:
//
//   list     list `packs/`: the server answers, the credentials are accepted
//            and listing works
//   write    put `tmp/doctor-<16 hex>` (a probe object: never a
//            content-addressed name, so no object can be harmed)
//   read     read it back, byte for byte
//   delete   remove it again
//
// A read-only remote (plain HTTP) stops after `list`. Failures are reported
// with their kind (auth, not found, transient, permanent) and the backend's
// message, which names the remote and never holds a secret.
#include <string>
#include <vector>

#include "remote.hpp"

namespace mlops {

struct ProbeStep {
  std::string name;  // list, write, read, delete
  bool ok = false;
  std::string problem;  // when !ok
};

struct ProbeReport {
  bool ok = true;
  bool writable = true;  // false: read-only remote, write steps skipped
  std::vector<ProbeStep> steps;
  std::string problem;  // the first failed step's, prefixed with its name
};

ProbeReport probe_remote(Remote& remote);

}  // namespace mlops
