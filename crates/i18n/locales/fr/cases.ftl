# cases (fr)
