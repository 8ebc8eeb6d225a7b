#pragma once
// Remote and target locations as users write them:
//   /abs/path | rel/path | file:///abs/path
//   ssh://[user@]host[:port]/path
//   s3://bucket[/prefix]
//   http(s)://[user@]host[:port][/path]
// A malformed URL is an Error(usage) that quotes it.
#include <string>

namespace mlops {

struct RemoteUrl {
  std::string scheme;  // file | ssh | s3 | http | https
  std::string user;
  std::string host;    // bucket for s3
  int port = 0;        // 0: the scheme's default
  std::string path;    // absolute for file and ssh; prefix (no leading /) for s3
  std::string text;    // as written less any password (core/url_userinfo.hpp), for messages
};

RemoteUrl parse_remote_url(const std::string& url);

}  // namespace mlops
