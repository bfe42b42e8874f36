from tests.access_matrix import PROTECTION, Entry

# A job's pages are for the user who started it: the world's job is the protection officer's,
# so every other role (another user) reads it as missing.
JOB = {"pk": "job.pk"}
ROUTES = {
    "page:jobs:job": Entry(PROTECTION, params=JOB),
    "page:jobs:progress": Entry(PROTECTION, params=JOB),
    "page:jobs:download": Entry(PROTECTION, params=JOB),
}


def build_world(world):
    """A finished job of the protection officer's, with its file in the data dir."""
    from asylon.core import jobs

    job = jobs.create(actor=world.users["protection_officer"], kind="sitrep", params={}, site_code=world.site_a.code)
    jobs.take(job.pk)
    path = jobs.output_path(job, ".pdf")
    path.write_bytes(b"%PDF-1.7 matrix")
    jobs.finish(job.pk, result={"file_path": str(path), "file_name": "matrix.pdf"})
    world.job = job
