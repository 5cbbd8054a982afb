"""The analytic report on how the tasks were done (Приложение № 13, §22, §78): its figures
(`domain`), its PDF and XLSX (`documents`), the checking protocol's marks it asks scoring for
(`clients`), and the route that hands it to the jury chair and the organiser (`api`)."""
