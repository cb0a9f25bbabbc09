#include "domain/field_masks.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"

namespace podmeta::domain {

using google::protobuf::FieldDescriptor;
using google::protobuf::FieldMask;
using google::protobuf::util::FieldMaskUtil;

absl::Status ApplyFieldMask(const google::protobuf::Message& patch, const FieldMask& mask,
                            const std::set<std::string>& mutable_paths, google::protobuf::Message& target) {
  FieldMask effective;
  if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    for (const std::string& path : mutable_paths) effective.add_paths(path);
  } else if (mask.paths_size() == 0) {
    std::vector<const FieldDescriptor*> populated;
    patch.GetReflection()->ListFields(patch, &populated);
    for (const FieldDescriptor* field : populated) {
      if (mutable_paths.contains(field->name())) effective.add_paths(field->name());
    }
  } else {
    Violations violations;
    const google::protobuf::Descriptor* descriptor = patch.GetDescriptor();
    for (int i = 0; i < mask.paths_size(); ++i) {
      const std::string& path = mask.paths(i);
      if (mutable_paths.contains(path)) {
        effective.add_paths(path);
        continue;
      }
      const FieldDescriptor* field = descriptor->FindFieldByName(path.substr(0, path.find('.')));
      if (field != nullptr && HasFieldBehavior(*field, google::api::OUTPUT_ONLY)) continue;  // AIP-161
      violations.Add(absl::StrCat("update_mask.paths[", i, "]"),
                     absl::StrCat(Quoted(path), " is not a field that can be updated"));
    }
    if (!violations.empty()) return violations.ToStatus();
  }
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, effective, options, &target);
  return absl::OkStatus();
}

bool HasFieldBehavior(const FieldDescriptor& field, google::api::FieldBehavior behavior) {
  const google::protobuf::FieldOptions& options = field.options();
  for (int i = 0; i < options.ExtensionSize(google::api::field_behavior); ++i) {
    if (options.GetExtension(google::api::field_behavior, i) == behavior) return true;
  }
  return false;
}

}  // namespace podmeta::domain
