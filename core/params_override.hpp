#pragma once
// `exp run -S`: params files changed for the length of one run, then put
// back byte for byte, so the committed params file is never left edited.
// The original bytes go to the object store and a journal names them before
// any file changes, so a run killed before it could restore (kill -9, power
// loss) is undone by the next `mlops exp` command (recover()). Journal
// grammar (JSON), at `.mlops/tmp/exp/params-backup.json`:
//
//   {"schema": "mlops-params-backup 1",
//    "files": {FILE: {"object": "sha256:<hex>", "mode": OCTAL-AS-NUMBER}, ...}}
#include <filesystem>
#include <string>
#include <vector>

#include "flat_values.hpp"
#include "params_edit.hpp"

namespace mlops {

class Workspace;

class ParamsOverride {
 public:
  // Applies `overrides` (files relative to the repository root; a value
  // equal to the file's is left alone); when any of them cannot be applied
  // nothing is changed.
  ParamsOverride(Workspace& ws, const FileValues& overrides);
  // Restores, swallowing errors; call restore() to see them.
  ~ParamsOverride();
  ParamsOverride(const ParamsOverride&) = delete;
  ParamsOverride& operator=(const ParamsOverride&) = delete;

  void restore();
  const FileValues& applied() const { return applied_; }

  // Restores the files a killed run left overridden; returns their names.
  static std::vector<std::string> recover(Workspace& ws);

 private:
  Workspace& ws_;
  FileValues applied_;
  bool active_ = false;
};

// `exp apply`: sets each value in its params file (relative to `root`),
// leaving values that are already equal alone, and returns those it changed.
// Every value is checked first: when one cannot be set, nothing is written.
FileValues set_params(const std::filesystem::path& root, const FileValues& values);
// Error(usage) as set_params would fail, writing nothing (`exp run --queue`).
void check_params(const std::filesystem::path& root, const FileValues& values);
// The overrides as values, later ones winning.
FileValues override_values(const std::vector<ParamOverride>& overrides);

}  // namespace mlops
