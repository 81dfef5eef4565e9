# referrals (ar)
