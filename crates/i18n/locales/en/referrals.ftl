# referrals (en)
