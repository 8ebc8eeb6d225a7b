#include "docs_gen.hpp"

#include <functional>

#include "core/text.hpp"

namespace mlops::cli {
namespace {

bool hidden(const CLI::App* app) { return app->get_group().empty() || app->get_name().substr(0, 2) == "__"; }

OptionDoc describe_option(const CLI::Option* opt) {
  OptionDoc d;
  for (const auto& s : opt->get_snames()) d.flags.push_back("-" + s);
  for (const auto& l : opt->get_lnames()) d.flags.push_back("--" + l);
  if (d.flags.empty()) d.flags.push_back(opt->get_name());
  if (opt->get_items_expected_max() > 0) {
    d.value = opt->get_type_name();
    if (d.value.empty()) d.value = "VALUE";
  }
  d.help = opt->get_description();
  return d;
}

CommandDoc describe_at(const CLI::App& app, std::vector<std::string> path) {
  CommandDoc d;
  d.path = path;
  d.summary = app.get_description();
  d.details = app.get_footer();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt == app.get_help_ptr() || opt == app.get_help_all_ptr() || opt->get_group().empty()) continue;
    if (opt->get_name() == "--version") continue;
    (opt->get_positional() && opt->get_snames().empty() && opt->get_lnames().empty() ? d.positionals : d.options)
        .push_back(describe_option(opt));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (hidden(sub)) continue;
    auto p = path;
    p.push_back(sub->get_name());
    d.subcommands.push_back(describe_at(*sub, p));
  }
  return d;
}

void walk(const CommandDoc& d, const std::function<void(const CommandDoc&)>& fn) {
  fn(d);
  for (const auto& s : d.subcommands) walk(s, fn);
}

std::string key(const CommandDoc& d) { return d.path.empty() ? "" : "/" + join(d.path, "/"); }

std::vector<std::string> option_words(const CommandDoc& d) {
  std::vector<std::string> w;
  for (const auto& o : d.options)
    for (const auto& f : o.flags) w.push_back(f);
  return w;
}

std::vector<std::string> value_options(const CommandDoc& root) {
  std::vector<std::string> w;
  walk(root, [&](const CommandDoc& d) {
    for (const auto& o : d.options)
      if (!o.value.empty())
        for (const auto& f : o.flags) w.push_back(f);
  });
  return w;
}

std::string single_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string roff_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  // A line starting with . or ' would be read as a request.
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string roff_text(std::string_view text) {
  std::string out;
  for (const auto& l : split(text, '\n')) out += roff_escape(l) + "\n";
  return out;
}

void roff_options(std::string& page, const std::vector<OptionDoc>& opts) {
  for (const auto& o : opts) {
    page += ".TP\n\\fB" + roff_escape(join(o.flags, ", ")) + "\\fR";
    if (!o.value.empty()) page += " \\fI" + roff_escape(o.value) + "\\fR";
    page += "\n" + roff_text(o.help.empty() ? "(no description)" : o.help);
  }
}

const char* kExitStatus =
    ".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\nthe operation failed, or a check found differences\n"
    ".TP\n2\nusage error\n.TP\n3\nnot inside an mlops repository\n.TP\n4\nremote or network failure\n"
    ".TP\n5\nintegrity failure (hash or signature mismatch)\n.TP\n130\ninterrupted\n";

}  // namespace

CommandDoc describe(const CLI::App& app) { return describe_at(app, {}); }

std::string bash_completion(const CommandDoc& root) {
  std::string paths, table;
  walk(root, [&](const CommandDoc& d) {
    std::vector<std::string> subs;
    for (const auto& s : d.subcommands) subs.push_back(s.path.back());
    if (!d.path.empty()) paths += " " + single_quote(key(d));
    table += "    " + single_quote(key(d)) + ") subs=" + single_quote(join(subs, " ")) +
             "; opts=" + single_quote(join(option_words(d), " ")) + " ;;\n";
  });
  std::string globals = join(option_words(root), " ");
  std::string takes_value = join(value_options(root), "|");
  return "# bash completion for mlops, generated from its command table by `mlops completion bash`\n"
         "_mlops() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path='' w i\n"
         "  local -A known=()\n"
         "  for w in" + paths + "; do known[$w]=1; done\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    w=\"${COMP_WORDS[i]}\"\n"
         "    case \"$w\" in\n"
         "      " + takes_value + ") ((i++)); continue ;;\n"
         "      -*) continue ;;\n"
         "    esac\n"
         "    [[ -n \"${known[$path/$w]:-}\" ]] && path=\"$path/$w\"\n"
         "  done\n"
         "  local subs='' opts=''\n"
         "  case \"$path\" in\n" + table +
         "  esac\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$opts " + globals + "\" -- \"$cur\"))\n"
         "  elif [[ -n \"$subs\" ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
         "  fi\n"
         "}\n"
         "complete -o default -F _mlops mlops\n";
}

std::string zsh_completion(const CommandDoc& root) {
  std::string paths, table;
  walk(root, [&](const CommandDoc& d) {
    std::string subs, opts;
    for (const auto& s : d.subcommands) {
      std::string entry = s.path.back() + ":" + s.summary;
      subs += " " + single_quote(entry);
    }
    for (const auto& o : d.options)
      for (const auto& f : o.flags) opts += " " + single_quote(f);
    if (!d.path.empty()) paths += " " + single_quote(key(d));
    table += "    " + single_quote(key(d)) + ") subs=(" + subs + " ); opts=(" + opts + " ) ;;\n";
  });
  std::string globals;
  for (const auto& o : root.options)
    for (const auto& f : o.flags) globals += " " + single_quote(f);
  return "#compdef mlops\n"
         "# zsh completion for mlops, generated from its command table by `mlops completion zsh`\n"
         "_mlops() {\n"
         "  local p='' w i\n"
         "  local -a known subs opts globals\n"
         "  known=(" + paths + " )\n"
         "  globals=(" + globals + " )\n"
         "  for ((i = 2; i < CURRENT; i++)); do\n"
         "    w=${words[i]}\n"
         "    case $w in\n"
         "      " + join(value_options(root), "|") + ") ((i++)); continue ;;\n"
         "      -*) continue ;;\n"
         "    esac\n"
         "    (( ${known[(Ie)$p/$w]} )) && p=\"$p/$w\"\n"
         "  done\n"
         "  case $p in\n" + table +
         "  esac\n"
         "  if [[ ${words[CURRENT]} == -* ]]; then\n"
         "    compadd -a opts globals\n"
         "  elif (( ${#subs} )); then\n"
         "    _describe -t commands 'mlops command' subs\n"
         "  else\n"
         "    _files\n"
         "  fi\n"
         "}\n"
         "if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then\n"
         "  _mlops \"$@\"\n"
         "else\n"
         "  compdef _mlops mlops\n"
         "fi\n";
}

std::string fish_completion(const CommandDoc& root) {
  std::string out = "# fish completion for mlops, generated from its command table by `mlops completion fish`\n";
  auto condition = [](const CommandDoc& d) -> std::string {
    if (d.path.empty()) return "";
    std::string c = "__fish_seen_subcommand_from " + d.path.back();
    if (d.path.size() > 1) c = "__fish_seen_subcommand_from " + d.path.front() + "; and " + c;
    return c;
  };
  auto option_line = [](const OptionDoc& o, const std::string& cond) {
    std::string line = "complete -c mlops";
    if (!cond.empty()) line += " -n " + single_quote(cond);
    for (const auto& f : o.flags) {
      if (starts_with(f, "--")) line += " -l " + f.substr(2);
      else if (starts_with(f, "-") && f.size() == 2) line += " -s " + f.substr(1);
      else if (starts_with(f, "-")) line += " -o " + f.substr(1);
    }
    if (!o.value.empty()) line += " -r";
    return line + " -d " + single_quote(o.help) + "\n";
  };
  walk(root, [&](const CommandDoc& d) {
    std::string cond = condition(d);
    for (const auto& s : d.subcommands) {
      std::string sub_cond = d.path.empty() ? "__fish_use_subcommand" : cond;
      if (!d.subcommands.empty() && !d.path.empty()) {
        std::vector<std::string> names;
        for (const auto& x : d.subcommands) names.push_back(x.path.back());
        sub_cond += "; and not __fish_seen_subcommand_from " + join(names, " ");
      }
      out += "complete -c mlops -f -n " + single_quote(sub_cond) + " -a " + single_quote(s.path.back()) + " -d " +
             single_quote(s.summary) + "\n";
    }
    for (const auto& o : d.options) out += option_line(o, cond);
  });
  return out;
}

std::vector<std::pair<std::string, std::string>> man_pages(const CommandDoc& root, const std::string& version) {
  std::vector<std::pair<std::string, std::string>> pages;
  std::string th_tail = " 1 \"\" \"mlops " + version + "\" \"mlops manual\"\n";

  std::string main = ".TH MLOPS" + th_tail + ".SH NAME\nmlops \\- " + roff_escape(root.summary) + "\n" +
                     ".SH SYNOPSIS\n\\fBmlops\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n" +
                     ".SH DESCRIPTION\n" + roff_text(root.details.empty() ? root.summary : root.details) +
                     ".SH COMMANDS\n";
  for (const auto& c : root.subcommands)
    main += ".TP\n\\fBmlops\\-" + roff_escape(c.path.back()) + "\\fR(1)\n" + roff_text(c.summary);
  main += ".SH GLOBAL OPTIONS\n";
  roff_options(main, root.options);
  main += std::string(kExitStatus) +
          ".SH ENVIRONMENT\n.TP\nMLOPS_*\nconfiguration values, e.g. MLOPS_CORE_JOBS for core.jobs\n"
          ".TP\nMLOPS_SYSTEM_CONFIG\nthe system configuration file instead of /etc/mlops/config.yaml\n"
          ".TP\nNO_COLOR, CLICOLOR_FORCE\nturn colour off, or force it on\n"
          ".TP\nCI\nno progress reports\n.TP\nGITHUB_ACTIONS\nerrors and warnings also as workflow commands\n"
          ".SH FILES\n.TP\n\\&.mlops/config.yaml\nrepository configuration (committed)\n"
          ".TP\n\\&.mlops/config.local.yaml\nmachine-local configuration and credentials (not committed)\n"
          ".TP\n$XDG_CONFIG_HOME/mlops/config.yaml\nper-user configuration\n"
          ".TP\n/etc/mlops/config.yaml\nsystem configuration\n";
  pages.emplace_back("mlops.1", main);

  for (const auto& c : root.subcommands) {
    std::string name = "mlops-" + c.path.back();
    std::string upper;
    for (char ch : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::string page = ".TH " + upper + th_tail + ".SH NAME\n" + roff_escape(name) + " \\- " +
                       roff_escape(c.summary) + "\n.SH SYNOPSIS\n";
    auto synopsis = [&](const CommandDoc& d) {
      std::string s = "\\fBmlops " + roff_escape(join(d.path, " ")) + "\\fR";
      if (!d.options.empty()) s += " [\\fIOPTIONS\\fR]";
      for (const auto& p : d.positionals) s += " \\fI" + roff_escape(p.flags.front()) + "\\fR";
      return s + "\n.br\n";
    };
    walk(c, [&](const CommandDoc& d) { page += synopsis(d); });
    page += ".SH DESCRIPTION\n" + roff_text(c.summary);
    if (!c.details.empty()) page += ".PP\n" + roff_text(c.details);
    if (!c.positionals.empty()) {
      page += ".SH ARGUMENTS\n";
      roff_options(page, c.positionals);
    }
    if (!c.options.empty()) {
      page += ".SH OPTIONS\n";
      roff_options(page, c.options);
    }
    if (!c.subcommands.empty()) page += ".SH SUBCOMMANDS\n";
    for (const auto& s : c.subcommands) {
      page += ".SS \"mlops " + roff_escape(join(s.path, " ")) + "\"\n" + roff_text(s.summary);
      if (!s.details.empty()) page += ".PP\n" + roff_text(s.details);
      roff_options(page, s.positionals);
      roff_options(page, s.options);
    }
    page += std::string(kExitStatus) + ".SH SEE ALSO\n\\fBmlops\\fR(1)\n";
    pages.emplace_back(name + ".1", page);
  }
  return pages;
}

}  // namespace mlops::cli
