"""Peer educators: the pathway from learner to group leader, and social action projects.

The records arrive with the peer-educator issue; the app exists now so the layout is settled.
"""
