# cases (en)
