# beneficiaries (fr)
