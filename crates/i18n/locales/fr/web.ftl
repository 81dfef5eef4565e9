# Interface (French, default)
app-name = Relais
