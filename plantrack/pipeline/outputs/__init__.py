"""What analysts and clerks read: the digest (`digest`: report.html / Markdown), exports (`export`),
Datasette's views, queries and metadata (`analyst`), and the data dictionary (`dictionary`)."""
