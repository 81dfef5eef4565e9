# beneficiaries (ar)
