#pragma once
// Where an S3 remote's credentials come from; the first source that has an
// access key wins:
//   1. remote.<name>.access_key_id, secret_access_key, session_token
//   2. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//   3. the shared credentials file ($AWS_SHARED_CREDENTIALS_FILE, else
//      ~/.aws/credentials), section remote.<name>.profile, else $AWS_PROFILE,
//      else "default"
// Nothing found means anonymous (unsigned) requests, for public buckets.
//
// Credentials file grammar (INI, as the AWS tools write it):
//   file    = { line }
//   line    = "[" profile "]" | "[profile " profile "]" | key "=" value | "#" ... | ";" ... | blank
//   key     = aws_access_key_id | aws_secret_access_key | aws_session_token | (others, ignored)
#include <filesystem>
#include <optional>
#include <string>

#include "s3_sigv4.hpp"

namespace mlops {

struct RemoteSpec;

// Error(usage) when a source is half-configured (a key id without its
// secret) or a profile named in the config does not exist.
AwsCredentials resolve_aws_credentials(const RemoteSpec& spec);

// The profile's credentials from a credentials file; nullopt when the file
// or the profile is absent.
std::optional<AwsCredentials> read_aws_credentials_file(const std::filesystem::path& file, const std::string& profile);

}  // namespace mlops
