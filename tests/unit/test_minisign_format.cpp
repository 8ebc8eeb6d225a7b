#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/minisign_format.hpp"
#include "core/signing_key.hpp"

using namespace mlops;

TEST_CASE("base64 matches the RFC 4648 test vectors", "[minisign_format]") {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded, "t") == plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  CHECK(base64_decode(base64_encode(all), "t") == all);
}

TEST_CASE("base64 decoding is strict", "[minisign_format]") {
  for (const char* bad : {"Zg=", "Zm9v\n", "Z===", "Zg=a", "Zm9*", "=Zm9"})
    CHECK_THROWS_AS(base64_decode(bad, "t"), Error);
}

TEST_CASE("key ids print as minisign shows them", "[minisign_format]") {
  KeyId id{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xab, 0xcd};
  CHECK(key_id_hex(id) == "CDAB060504030201");
}

TEST_CASE("public keys round-trip with and without the comment line", "[minisign_format]") {
  MinisignPublicKey k;
  for (size_t i = 0; i < k.pk.size(); ++i) k.pk[i] = static_cast<uint8_t>(i * 7);
  k.key_id = {1, 2, 3, 4, 5, 6, 7, 8};
  std::string file = format_public_key(k, "minisign public key 0807060504030201");
  CHECK(file.rfind("untrusted comment: minisign public key", 0) == 0);
  CHECK(parse_public_key(file, "k.pub") == k);
  CHECK(parse_public_key(encode_public_key_line(k), "line") == k);
  std::string crlf = "untrusted comment: x\r\n" + encode_public_key_line(k) + "\r\n";
  CHECK(parse_public_key(crlf, "k.pub") == k);
  // The minisign documentation's example key: "Ed", 8-byte id, 32-byte key.
  auto doc = parse_public_key("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3", "doc");
  CHECK(key_id_hex(doc.key_id) == "E7620F1842B4E81F");
}

TEST_CASE("malformed public keys are refused naming the input", "[minisign_format]") {
  CHECK_THROWS_WITH(parse_public_key("", "k.pub"), Catch::Contains("k.pub"));
  CHECK_THROWS_WITH(parse_public_key("untrusted comment: x\nZm9v\n", "k.pub"), Catch::Contains("Ed25519"));
  CHECK_THROWS_WITH(parse_public_key("a\nb\nc\n", "k.pub"), Catch::Contains("not a minisign public key"));
}

TEST_CASE("signatures round-trip through their text form", "[minisign_format]") {
  MinisignSignature s;
  s.untrusted_comment = "signature from mlops";
  s.trusted_comment = "mlops-bundle/1 name=m version=1";
  s.key_id = {9, 8, 7, 6, 5, 4, 3, 2};
  for (size_t i = 0; i < 64; ++i) {
    s.sig[i] = static_cast<uint8_t>(i);
    s.global_sig[i] = static_cast<uint8_t>(255 - i);
  }
  std::string text = format_signature(s);
  auto back = parse_signature(text, "m.minisig");
  CHECK(back.untrusted_comment == s.untrusted_comment);
  CHECK(back.trusted_comment == s.trusted_comment);
  CHECK(back.alg == MinisignAlg::prehashed);
  CHECK(back.key_id == s.key_id);
  CHECK(back.sig == s.sig);
  CHECK(back.global_sig == s.global_sig);
  CHECK(text.find("\nRUQ") != std::string::npos);  // base64 of "ED" + first id byte
}

TEST_CASE("malformed signatures are integrity failures", "[minisign_format]") {
  try {
    parse_signature("untrusted comment: x\nRUQ=\ntrusted comment: y\nAAAA\n", "m.minisig");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::integrity);
    CHECK(std::string(e.what()).find("m.minisig") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_signature("only one line", "m"), Error);
}

TEST_CASE("minisign signatures verify and tampering is caught", "[minisign_format]") {
  SigningKey key = SigningKey::generate();
  MinisignPublicKey pub = key.public_key();
  CHECK(pub.key_id == key_id_for(pub.pk));
  auto sig = minisign_sign(key, "the manifest", "name=m version=1", "signature from mlops");
  CHECK(&minisign_verify({pub}, "the manifest", sig, "m") != nullptr);
  CHECK_THROWS_WITH(minisign_verify({pub}, "the manifesT", sig, "m"), Catch::Contains("verification failed"));
  auto forged = sig;
  forged.trusted_comment = "name=m version=2";
  CHECK_THROWS_WITH(minisign_verify({pub}, "the manifest", forged, "m"), Catch::Contains("trusted comment"));
  auto other = SigningKey::generate().public_key();
  CHECK_THROWS_WITH(minisign_verify({other}, "the manifest", sig, "m"), Catch::Contains("not a trusted key"));
  // The legacy form signs the message itself.
  auto legacy = sig;
  legacy.alg = MinisignAlg::legacy;
  legacy.sig = key.sign("the manifest");
  std::string g(reinterpret_cast<const char*>(legacy.sig.data()), 64);
  legacy.global_sig = key.sign(g + legacy.trusted_comment);
  CHECK_NOTHROW(minisign_verify({pub}, "the manifest", legacy, "m"));
}

TEST_CASE("secret keys round-trip as PEM with and without a passphrase", "[signing_key]") {
  SigningKey key = SigningKey::generate();
  std::string plain = key.to_pem(std::nullopt);
  CHECK(plain.find("BEGIN PRIVATE KEY") != std::string::npos);
  CHECK(SigningKey::from_pem(plain, std::nullopt, "k").public_key() == key.public_key());
  std::string enc = key.to_pem(std::string("s3cret"));
  CHECK(SigningKey::pem_is_encrypted(enc));
  CHECK(SigningKey::from_pem(enc, std::string("s3cret"), "k").public_key() == key.public_key());
  CHECK_THROWS_WITH(SigningKey::from_pem(enc, std::nullopt, "k.key"), Catch::Contains("passphrase"));
  CHECK_THROWS_WITH(SigningKey::from_pem(enc, std::string("wrong"), "k.key"), Catch::Contains("wrong passphrase"));
  CHECK_THROWS_AS(SigningKey::from_pem("garbage", std::nullopt, "k.key"), Error);
}
