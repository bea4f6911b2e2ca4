"""processes/people"""
