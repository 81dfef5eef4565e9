# beneficiaries (en)
