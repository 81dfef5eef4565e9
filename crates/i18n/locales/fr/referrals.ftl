# referrals (fr)
