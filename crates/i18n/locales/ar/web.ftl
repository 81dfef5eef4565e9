# Interface (Arabic, Morocco)
app-name = ريلي
