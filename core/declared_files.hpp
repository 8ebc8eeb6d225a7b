#pragma once
// What mlops.yaml declares for the metrics, params and plots commands, as a
// revision has it: the metric and plot outs of its stages and the params
// they reference. Across several revisions the declarations are united, so
// a file that one side added or renamed is still compared.
#include <string>
#include <vector>

#include "metrics_revisions.hpp"
#include "pipeline_spec.hpp"
#include "revision_files.hpp"

namespace mlops {

// The pipeline of `rev`; empty when it has no mlops.yaml. A commit's
// `vars` files and default params file are read from the workspace.
Pipeline pipeline_at(const RevisionFiles& files, const Revision& rev);

// Paths of the outs with `role`, in stage order, each once.
std::vector<std::string> declared_outs(const std::vector<Pipeline>& pipelines, OutRole role);

// The referenced params, by file in order of first reference. When no stage
// references any, the default params file of the first pipeline, whole.
std::vector<ParamSelection> declared_params(const std::vector<Pipeline>& pipelines);

}  // namespace mlops
