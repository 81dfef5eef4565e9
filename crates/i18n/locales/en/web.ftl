# Interface (English)
app-name = Relais
