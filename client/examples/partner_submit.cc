// partner_submit: how a partner agency's case system hands a referral to
// safeguard. It submits a target-hardening referral and prints the
// reference, or every field the server refused.
//
//   partner_submit TARGET CA_FILE CERT_FILE KEY_FILE
#include <cstdio>

#include "safeguard/client/client.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: partner_submit TARGET CA CERT KEY\n");
    return 2;
  }
  safeguard::ClientOptions options;
  options.target = argv[1];
  options.ca_file = argv[2];
  options.cert_file = argv[3];
  options.key_file = argv[4];
  auto client = safeguard::Client::Create(options);
  if (!client.ok()) {
    std::fputs(safeguard::DescribeError(client.status()).c_str(), stderr);
    return 1;
  }

  // The referral, from the case system's record (made-up example data).
  safeguard::v1::Referral referral;
  referral.set_kind(safeguard::v1::TARGET_HARDENING);
  referral.set_area("west-suffolk");
  safeguard::v1::Person* victim = referral.add_subjects();
  victim->set_full_name("Example Person");
  victim->mutable_safe_contact()->add_channels(safeguard::v1::PHONE);
  victim->mutable_safe_contact()->set_times("mornings only");
  referral.mutable_consent()->set_status(safeguard::v1::GIVEN);
  referral.mutable_consent()->set_legal_basis(safeguard::v1::CONSENT);
  auto* form = referral.mutable_target_hardening();
  form->mutable_address()->add_lines("1 Example Row");
  form->mutable_address()->set_postcode("IP33 1AA");
  form->add_measures_requested(safeguard::v1::LOCKS);
  form->set_tenure(safeguard::v1::OWNER_OCCUPIER);

  // A request id is made and kept across retries: never a duplicate.
  auto submitted = (*client)->SubmitReferral(referral);
  if (!submitted.ok()) {
    std::fputs(safeguard::DescribeError(submitted.status()).c_str(), stderr);
    return 1;
  }
  std::printf("submitted %s (%s), state %s\n", submitted->reference().c_str(),
              submitted->name().c_str(), submitted->state().c_str());
  return 0;
}
