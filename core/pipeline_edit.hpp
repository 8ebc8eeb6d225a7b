#pragma once
// Writing a stage into mlops.yaml (`mlops stage add`) by editing the text,
// not by re-emitting the document, so the user's comments, order and style
// survive. The result is parsed and checked (graph included) before it is
// returned, so a bad stage never reaches the file.
#include <filesystem>
#include <string>
#include <vector>

namespace mlops {

struct NewStage {
  std::string name;
  std::string cmd;
  std::string wdir;
  std::vector<std::string> deps, params, outs, outs_no_cache, metrics, metrics_no_cache, plots;
  std::string executor;
  std::string desc;
};

// `text` (the current mlops.yaml, possibly empty) with `stage` added at the
// end of `stages:`; with `replace`, an existing stage of that name is
// rewritten in place. Error(usage) when the name exists (without replace),
// or the result would not be a valid pipeline.
std::string add_stage_text(const std::string& text, const NewStage& stage, bool replace,
                           const std::filesystem::path& root);

}  // namespace mlops
