#include "registry_state.hpp"

#include <algorithm>
#include <tuple>

namespace mlops {
namespace {

// Within one second: registrations, then stage events (by N, so that a
// stage's events keep their order), then deregistrations, then deprecations.
int rank(RegistryAction a) {
  switch (a) {
    case RegistryAction::register_version: return 0;
    case RegistryAction::assign:
    case RegistryAction::unassign: return 1;
    case RegistryAction::deregister_version: return 2;
    case RegistryAction::deprecate_model: return 3;
  }
  return 4;
}

bool history_order(const RegistryEvent& a, const RegistryEvent& b) {
  return std::tuple(a.time, rank(a.name.action), a.name.number, a.tag) <
         std::tuple(b.time, rank(b.name.action), b.name.number, b.tag);
}

// The version a stage event is about (see the rules in the header).
std::optional<SemVer> stage_event_version(const Model& m, const RegistryEvent& e) {
  if (const auto& v = e.message.record.version) {
    const ModelVersion* found = m.find(*v);
    return found ? std::optional(found->version) : std::nullopt;
  }
  std::optional<SemVer> best;
  for (const auto& mv : m.versions)
    if (mv.registration.commit == e.commit && (!best || mv.version > *best)) best = mv.version;
  return best;
}

ModelVersion* find_mut(Model& m, const SemVer& v) { return const_cast<ModelVersion*>(m.find(v)); }

// Applies one stage's events, in N order, to the model's versions.
void settle_stage(Model& m, const std::string& stage, std::vector<const RegistryEvent*> events) {
  std::sort(events.begin(), events.end(), [](const RegistryEvent* a, const RegistryEvent* b) {
    return std::tie(a->name.number, a->tag) < std::tie(b->name.number, b->tag);
  });
  struct Last {
    bool assigned = false;
    uint64_t assigned_at = 0;
  };
  std::map<SemVer, Last> last;
  for (const RegistryEvent* e : events) {
    if (!e->version) continue;
    Last& l = last[*e->version];
    l.assigned = e->name.action == RegistryAction::assign;
    if (l.assigned) l.assigned_at = e->name.number;
  }
  const SemVer* holder = nullptr;
  uint64_t best = 0;
  for (const auto& [v, l] : last) {
    const ModelVersion* mv = m.find(v);
    if (!l.assigned || !mv || mv->deregistered || l.assigned_at < best) continue;
    best = l.assigned_at;
    holder = &v;
  }
  if (!holder || m.deprecated) return;
  m.stages[stage] = *holder;
  find_mut(m, *holder)->stages.push_back(stage);
}

Model build_model(std::string name, std::vector<RegistryEvent> events) {
  Model m;
  m.name = std::move(name);
  std::sort(events.begin(), events.end(), history_order);
  for (const auto& e : events) {
    if (e.name.action == RegistryAction::register_version) m.versions.push_back({*e.name.version, e, false, {}});
    if (e.name.action == RegistryAction::deprecate_model) m.deprecated = true;
  }
  std::sort(m.versions.begin(), m.versions.end(),
            [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
  std::map<std::string, std::vector<const RegistryEvent*>> stages;
  for (auto& e : events) {
    switch (e.name.action) {
      case RegistryAction::register_version: e.version = e.name.version; break;
      case RegistryAction::deregister_version:
        e.version = e.name.version;
        if (ModelVersion* mv = find_mut(m, *e.version)) mv->deregistered = true;
        break;
      case RegistryAction::assign:
      case RegistryAction::unassign:
        e.version = stage_event_version(m, e);
        stages[e.name.stage].push_back(&e);
        break;
      case RegistryAction::deprecate_model: break;
    }
  }
  for (const auto& [stage, list] : stages) settle_stage(m, stage, list);
  m.history = std::move(events);
  return m;
}

}  // namespace

const ModelVersion* Model::find(const SemVer& v) const {
  const ModelVersion* same = nullptr;
  for (const auto& mv : versions) {
    if (mv.version == v) return &mv;
    if (!same && mv.version.precedence(v) == 0) same = &mv;
  }
  return same;
}

const ModelVersion* Model::latest() const {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it)
    if (!it->deregistered) return &*it;
  return nullptr;
}

const ModelVersion* Model::greatest() const { return versions.empty() ? nullptr : &versions.back(); }

const ModelVersion* Model::in_stage(const std::string& stage) const {
  auto it = stages.find(stage);
  return it == stages.end() ? nullptr : find(it->second);
}

uint64_t Model::next_number(const std::string& family) const {
  uint64_t highest = 0;
  for (const auto& e : history)
    if (e.name.action != RegistryAction::register_version && e.name.family() == family)
      highest = std::max(highest, e.name.number);
  return highest + 1;
}

std::map<std::string, Model> build_registry(std::vector<RegistryEvent> events) {
  std::map<std::string, std::vector<RegistryEvent>> by_model;
  for (auto& e : events) by_model[e.name.model].push_back(std::move(e));
  std::map<std::string, Model> out;
  for (auto& [name, list] : by_model) out.emplace(name, build_model(name, std::move(list)));
  return out;
}

}  // namespace mlops
