# cases (ar)
